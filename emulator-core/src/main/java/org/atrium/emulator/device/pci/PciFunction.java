package org.atrium.emulator.device.pci;

import java.util.Arrays;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * A PCI function with a type 0 configuration header (PCI Local Bus Specification 3.0, section
 * 6.1-6.2): identity registers, command register (I/O, memory, bus master, SERR, INTx disable), six
 * BARs with size probing, an expansion ROM BAR, interrupt line and pin, and a byte-granular write
 * mask for device-specific registers. BAR placements reach the board through a {@link PciMapper}
 * and only while the matching command bit is set. Chips with device-specific registers (host
 * bridge, ISA bridge) wrap a function and listen to its writes.
 *
 * <p>Left out: the status register's write-one-to-clear bits (status reads as set up),
 * capabilities, 64-bit BARs, and BIST.
 */
public final class PciFunction implements Snapshottable<PciFunctionState> {
    private String id = "pci.unplugged";

    /** Told after configuration bytes {@code [offset, offset + size)} were written. */
    @FunctionalInterface
    public interface WriteListener {
        void written(int offset, int size);
    }

    private static final int COMMAND = 0x04;
    private static final int COMMAND_IO = 0x01;
    private static final int COMMAND_MEMORY = 0x02;
    private static final int BAR0 = 0x10;
    private static final int ROM_BAR = 0x30;

    private final byte[] config = new byte[256];
    private final byte[] writeMask = new byte[256];
    private final byte[] initial = new byte[256];
    private final PciBar[] bars = new PciBar[6];
    private final long[] mapped = new long[7];
    private PciBar rom;
    private PciMapper mapper;
    private WriteListener listener = (offset, size) -> {};

    /**
     * @param classCode base class, subclass and programming interface, e.g. 0x030000 for VGA
     * @param headerType 0x00, or 0x80 for the first function of a multi-function device
     */
    public PciFunction(int vendor, int device, int revision, int classCode, int headerType) {
        set16(0x00, vendor);
        set16(0x02, device);
        config[0x08] = (byte) revision;
        config[0x09] = (byte) classCode;
        config[0x0A] = (byte) (classCode >> 8);
        config[0x0B] = (byte) (classCode >> 16);
        config[0x0E] = (byte) headerType;
        // Command: I/O, memory, bus master, SERR#, INTx disable are writable.
        writeMask[COMMAND] = 0x47;
        writeMask[COMMAND + 1] = 0x05;
        writeMask[0x0C] = (byte) 0xFF;
        writeMask[0x0D] = (byte) 0xFF;
        writeMask[0x3C] = (byte) 0xFF;
        Arrays.fill(mapped, -1);
    }

    /** The subsystem vendor and device (QEMU's machines use 0x1AF4 and 0x1100). */
    public PciFunction subsystem(int vendor, int device) {
        set16(0x2C, vendor);
        set16(0x2E, device);
        return this;
    }

    /** The interrupt pin (1 = INTA# … 4 = INTD#), or 0 for none. */
    public PciFunction interruptPin(int pin) {
        config[0x3D] = (byte) pin;
        return this;
    }

    public PciFunction bar(int index, PciBar bar) {
        bars[index] = bar;
        int low = bar.io() ? 0x01 : bar.prefetchable() ? 0x08 : 0x00;
        set32(BAR0 + 4 * index, low);
        setMask32(BAR0 + 4 * index, (int) ~(bar.size() - 1) & (bar.io() ? ~0x3 : ~0xF));
        return this;
    }

    /**
     * An expansion ROM served from {@code target}, of {@code size} bytes (a power of two ≥ 2 KiB).
     */
    public PciFunction rom(long size, BusDevice target) {
        rom = PciBar.memory(size, false, target);
        if (size < 2048) {
            throw new IllegalArgumentException("expansion ROM smaller than 2 KiB");
        }
        setMask32(ROM_BAR, (int) ~(size - 1) | 0x1);
        return this;
    }

    /**
     * Makes {@code [offset, offset + length)} writable by the guest (device-specific registers).
     */
    public PciFunction writable(int offset, int length) {
        Arrays.fill(writeMask, offset, offset + length, (byte) 0xFF);
        return this;
    }

    /** Sets a register's power-on value. */
    public PciFunction initial(int offset, int value) {
        config[offset] = (byte) value;
        return this;
    }

    public PciFunction onWrite(WriteListener listener) {
        this.listener = listener;
        return this;
    }

    /** Attaches the function to the board's address spaces; called once by the bus. */
    void attach(PciMapper mapper, int device, int function) {
        this.mapper = mapper;
        // Its place on the bus names it in a snapshot, as "pci.DD.F".
        this.id = String.format("pci.%02x.%x", device, function);
        System.arraycopy(config, 0, initial, 0, 256);
    }

    /** PCI RST#: registers back to their power-on values, decoders off. */
    public void reset() {
        System.arraycopy(initial, 0, config, 0, 256);
        remap();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Class<PciFunctionState> stateType() {
        return PciFunctionState.class;
    }

    @Override
    public PciFunctionState snapshot() {
        return new PciFunctionState(config);
    }

    /**
     * Loads a snapshot: writable bits come from it, read-only bits stay this function's, so a
     * snapshot of another device cannot change what this one is. BARs are placed again.
     */
    @Override
    public void restore(PciFunctionState state) {
        byte[] saved = state.config();
        for (int i = 0; i < 256; i++) {
            int mask = writeMask[i] & 0xFF;
            config[i] = (byte) ((initial[i] & ~mask) | (saved[i] & mask));
        }
        remap();
    }

    /** A configuration register byte as the device itself sees it. */
    public int config8(int offset) {
        return config[offset] & 0xFF;
    }

    public int readConfig(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            value |= (config[(offset + i) & 0xFF] & 0xFF) << (8 * i);
        }
        return value;
    }

    public void writeConfig(int offset, int size, int value) {
        for (int i = 0; i < size; i++) {
            int o = (offset + i) & 0xFF;
            int mask = writeMask[o] & 0xFF;
            int b = (value >>> (8 * i)) & 0xFF;
            config[o] = (byte) ((config[o] & ~mask) | (b & mask));
        }
        if (offset < 0x34 && offset + size > COMMAND) {
            remap();
        }
        listener.written(offset, size);
    }

    private void remap() {
        if (mapper == null) {
            return;
        }
        int command = readConfig(COMMAND, 2);
        for (int i = 0; i < 6; i++) {
            PciBar bar = bars[i];
            if (bar != null) {
                long raw = readConfig(BAR0 + 4 * i, 4) & 0xFFFF_FFFFL;
                long base = bar.io() ? raw & ~0x3L : raw & ~0xFL;
                boolean on = (command & (bar.io() ? COMMAND_IO : COMMAND_MEMORY)) != 0;
                place(i, bar, on ? base : -1);
            }
        }
        if (rom != null) {
            long raw = readConfig(ROM_BAR, 4) & 0xFFFF_FFFFL;
            boolean on = (command & COMMAND_MEMORY) != 0 && (raw & 1) != 0;
            place(6, rom, on ? raw & ~0x7FFL : -1);
        }
    }

    private void place(int slot, PciBar bar, long base) {
        long limit = bar.io() ? 0x10000 : 1L << 32;
        // Address 0, and a window that would reach the top of the space (the all-ones value of a
        // size probe), are not decoded, as in QEMU.
        if (base == 0 || base < 0 || base + bar.size() >= limit) {
            base = -1;
        }
        if (mapped[slot] == base) {
            return;
        }
        if (mapped[slot] >= 0) {
            mapper.unmap(bar.target(), bar.io());
        }
        mapped[slot] = base;
        if (base >= 0) {
            mapper.map(bar.target(), bar.io(), base, bar.size());
        }
    }

    private void set16(int offset, int value) {
        config[offset] = (byte) value;
        config[offset + 1] = (byte) (value >> 8);
    }

    private void set32(int offset, int value) {
        set16(offset, value);
        set16(offset + 2, value >> 16);
    }

    private void setMask32(int offset, int mask) {
        for (int i = 0; i < 4; i++) {
            writeMask[offset + i] = (byte) (mask >>> (8 * i));
        }
    }
}
