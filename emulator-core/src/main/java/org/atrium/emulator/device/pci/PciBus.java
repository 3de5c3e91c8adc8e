package org.atrium.emulator.device.pci;

import org.atrium.emulator.bus.BusDevice;

/**
 * PCI bus 0 behind a host bridge's configuration mechanism #1 (PCI Local Bus Specification 3.0,
 * section 3.2.2.3.2): a 32-bit CONFIG_ADDRESS register (enable bit 31, bus, device, function,
 * register) and a 4-byte CONFIG_DATA window whose byte offset adds to the register. Only dword
 * accesses reach CONFIG_ADDRESS; functions nobody claims read as all ones.
 *
 * <p>Left out: configuration mechanism #2, type 1 (bridged) cycles: only bus 0 exists.
 */
public final class PciBus {
    private final PciFunction[] functions = new PciFunction[32 * 8];
    private final PciMapper mapper;
    private int address;

    public PciBus(PciMapper mapper) {
        this.mapper = mapper;
    }

    /** Plugs {@code function} in at {@code device.function} of bus 0. */
    public void plug(int device, int function, PciFunction f) {
        int slot = device * 8 + function;
        if (device < 0 || device > 31 || function < 0 || function > 7 || functions[slot] != null) {
            throw new IllegalArgumentException(
                    "PCI slot taken or invalid: " + device + "." + function);
        }
        functions[slot] = f;
        f.attach(mapper, device, function);
    }

    /** PCI RST# to every function. */
    public void reset() {
        address = 0;
        for (PciFunction f : functions) {
            if (f != null) {
                f.reset();
            }
        }
    }

    /**
     * Whether an access to the address register window at {@code offset} of {@code size} is a
     * CONFIG_ADDRESS access (only aligned dwords are; other sizes belong to the ISA bus).
     */
    public static boolean isAddressAccess(int offset, int size) {
        return offset == 0 && size == 4;
    }

    /** CONFIG_ADDRESS (dword access at offset 0). */
    public BusDevice addressPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return isAddressAccess(offset, size) ? address : -1;
            }

            @Override
            public void write(int offset, int size, int value) {
                if (isAddressAccess(offset, size)) {
                    address = value & 0x80FF_FFFC;
                }
            }
        };
    }

    /** CONFIG_DATA (offsets 0-3). */
    public BusDevice dataPort() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                PciFunction f = selected();
                if (f == null) {
                    return size == 4 ? -1 : (1 << (8 * size)) - 1;
                }
                return f.readConfig((address & 0xFC) + offset, size);
            }

            @Override
            public void write(int offset, int size, int value) {
                PciFunction f = selected();
                if (f != null) {
                    f.writeConfig((address & 0xFC) + offset, size, value);
                }
            }
        };
    }

    private PciFunction selected() {
        if (address >= 0 || ((address >> 16) & 0xFF) != 0) {
            return null;
        }
        return functions[(address >> 8) & 0xFF];
    }
}
