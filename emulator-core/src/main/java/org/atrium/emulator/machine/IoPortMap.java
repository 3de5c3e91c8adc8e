package org.atrium.emulator.machine;

import java.util.Arrays;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.IoPorts;

/**
 * The 64 KiB I/O port space, in pages of 256 ports that exist only where some device claims a port
 * (a PC's devices use a handful of the 256 pages): each page slot names the device and the port its
 * window starts at, so a port access costs three array reads. A port nobody claims reads as all
 * ones. An access goes to the device that claims its first port.
 */
final class IoPortMap implements IoPorts {
    private static final int PORTS = 0x10000;
    private static final int PAGE_BITS = 8;
    private static final int PAGE = 1 << PAGE_BITS;

    /** The claims of one page of ports. */
    private static final class Page {
        final BusDevice[] devices = new BusDevice[PAGE];
        final int[] bases = new int[PAGE];
    }

    /** Stands for every page no device claims a port in; never written. */
    private static final Page UNCLAIMED = new Page();

    private final Page[] pages = new Page[PORTS >>> PAGE_BITS];
    private long accesses;

    IoPortMap() {
        Arrays.fill(pages, UNCLAIMED);
    }

    /** Claims {@code [base, base + length)} for {@code device}, replacing earlier claims. */
    void map(int base, int length, BusDevice device) {
        if (base < 0 || length <= 0 || base + length > PORTS) {
            throw new IllegalArgumentException(
                    "port range out of 0-0xFFFF: " + base + "+" + length);
        }
        for (int p = base; p < base + length; p++) {
            Page page = pages[p >>> PAGE_BITS];
            if (page == UNCLAIMED) {
                page = pages[p >>> PAGE_BITS] = new Page();
            }
            page.devices[slot(p)] = device;
            page.bases[slot(p)] = base;
        }
    }

    /** Releases {@code [base, base + length)} if {@code device} still holds it. */
    void unmap(int base, int length, BusDevice device) {
        for (int p = Math.max(0, base); p < Math.min(PORTS, base + length); p++) {
            Page page = pages[p >>> PAGE_BITS];
            if (page != UNCLAIMED && page.devices[slot(p)] == device) {
                page.devices[slot(p)] = null;
            }
        }
    }

    private static int slot(int port) {
        return port & (PAGE - 1);
    }

    /** Port reads and writes so far, claimed or not. */
    long accesses() {
        return accesses;
    }

    @Override
    public int in(int port, int size) {
        accesses++;
        int p = port & 0xFFFF;
        Page page = pages[p >>> PAGE_BITS];
        BusDevice d = page.devices[slot(p)];
        if (d == null) {
            return size == 4 ? -1 : (1 << (8 * size)) - 1;
        }
        int value = d.read(p - page.bases[slot(p)], size);
        return size == 4 ? value : value & ((1 << (8 * size)) - 1);
    }

    @Override
    public void out(int port, int size, int value) {
        accesses++;
        int p = port & 0xFFFF;
        Page page = pages[p >>> PAGE_BITS];
        BusDevice d = page.devices[slot(p)];
        if (d != null) {
            d.write(
                    p - page.bases[slot(p)],
                    size,
                    size == 4 ? value : value & ((1 << (8 * size)) - 1));
        }
    }
}
