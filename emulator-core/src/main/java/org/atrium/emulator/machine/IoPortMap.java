package org.atrium.emulator.machine;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.IoPorts;

/**
 * The 64 KiB I/O port space: one array slot per port naming the device and the port its window
 * starts at, so a port access costs two array reads. A port nobody claims reads as all ones. An
 * access goes to the device that claims its first port.
 */
final class IoPortMap implements IoPorts {
    private static final int PORTS = 0x10000;

    private final BusDevice[] devices = new BusDevice[PORTS];
    private final int[] bases = new int[PORTS];
    private long accesses;

    /** Claims {@code [base, base + length)} for {@code device}, replacing earlier claims. */
    void map(int base, int length, BusDevice device) {
        if (base < 0 || length <= 0 || base + length > PORTS) {
            throw new IllegalArgumentException(
                    "port range out of 0-0xFFFF: " + base + "+" + length);
        }
        for (int p = base; p < base + length; p++) {
            devices[p] = device;
            bases[p] = base;
        }
    }

    /** Releases {@code [base, base + length)} if {@code device} still holds it. */
    void unmap(int base, int length, BusDevice device) {
        for (int p = Math.max(0, base); p < Math.min(PORTS, base + length); p++) {
            if (devices[p] == device) {
                devices[p] = null;
            }
        }
    }

    /** Port reads and writes so far, claimed or not. */
    long accesses() {
        return accesses;
    }

    @Override
    public int in(int port, int size) {
        accesses++;
        int p = port & 0xFFFF;
        BusDevice d = devices[p];
        if (d == null) {
            return size == 4 ? -1 : (1 << (8 * size)) - 1;
        }
        int value = d.read(p - bases[p], size);
        return size == 4 ? value : value & ((1 << (8 * size)) - 1);
    }

    @Override
    public void out(int port, int size, int value) {
        accesses++;
        int p = port & 0xFFFF;
        BusDevice d = devices[p];
        if (d != null) {
            d.write(p - bases[p], size, size == 4 ? value : value & ((1 << (8 * size)) - 1));
        }
    }
}
