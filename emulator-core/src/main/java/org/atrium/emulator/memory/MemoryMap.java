package org.atrium.emulator.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.CodeWatch;
import org.atrium.emulator.bus.PhysicalMemory;

/**
 * The physical address space of a PC with an i440FX-style memory controller: guest RAM off-heap in
 * a {@link MemorySegment} (mapped lazily, see {@link LazyMemory}: a page the guest never writes
 * costs the host nothing); the BIOS ROM just below 4 GiB with its top 128 KiB aliased below 1 MiB;
 * the 0xC0000-0xFFFFF shadow area, whose reads and writes go to RAM or ROM per 16 KiB block (the
 * PAM registers); memory-mapped device windows placed and moved at run time (legacy VGA, PCI BARs);
 * and the A20 gate. Unclaimed addresses read as all ones and ignore writes.
 *
 * <p>Plain RAM accesses take a fast path of two compares; everything else is decoded byte by byte,
 * except accesses that fall wholly inside one device window, which reach the device at their size.
 * Not thread-safe: used by the machine's thread.
 */
public final class MemoryMap implements PhysicalMemory, AutoCloseable {
    private static final ValueLayout.OfShort LE16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Start of the legacy video / option-ROM / BIOS hole below 1 MiB. */
    private static final long HOLE_START = 0xA0000;

    private static final long HOLE_END = 0x100000;
    private static final long SHADOW_START = 0xC0000;
    private static final int SHADOW_BLOCK = 0x4000;
    private static final int LOW_ROM_ALIAS = 0x20000;

    private final Arena arena;
    private final MemorySegment ram;
    private final CodeWatch code;
    private final long ramEnd;
    private final byte[] rom;
    private final long highRomBase;
    private final long lowRomBase;
    private final boolean[] shadowRead = new boolean[16];
    private final boolean[] shadowWrite = new boolean[16];
    private final List<Window> windows = new ArrayList<>();
    private int a20Mask = -1;
    private int mappingVersion;

    /**
     * @param ramBytes guest RAM, at least 1 MiB, below 4 GiB
     * @param rom the BIOS image, a multiple of 64 KiB up to 16 MiB
     */
    public MemoryMap(long ramBytes, byte[] rom) {
        this(Arena.ofShared(), checkRamSize(ramBytes), rom);
    }

    private MemoryMap(Arena arena, long ramBytes, byte[] rom) {
        this(LazyMemory.allocate(ramBytes, arena), rom, arena);
    }

    /**
     * A memory map over RAM the caller provides, for example a snapshot's RAM mapped copy-on-write
     * from its file. The map takes over {@code owner} and closes it when it is closed.
     *
     * @param ram guest RAM, at least 1 MiB, below 4 GiB, aligned to 4 KiB
     * @param owner the arena {@code ram} lives in, or {@code null} if the caller frees it
     */
    public MemoryMap(MemorySegment ram, byte[] rom, Arena owner) {
        long ramBytes = checkRamSize(ram.byteSize());
        if (ram.address() % 4096 != 0) {
            throw new IllegalArgumentException("guest RAM must be 4 KiB-aligned");
        }
        if (rom.length == 0 || rom.length % 0x10000 != 0 || rom.length > 16 << 20) {
            throw new IllegalArgumentException(
                    "BIOS image must be a non-empty multiple of 64 KiB up to 16 MiB, got "
                            + rom.length
                            + " bytes");
        }
        this.arena = owner;
        this.ram = ram;
        this.code = new CodeWatch(ramBytes);
        this.ramEnd = ramBytes;
        this.rom = rom.clone();
        this.highRomBase = (1L << 32) - rom.length;
        this.lowRomBase = HOLE_END - Math.min(rom.length, LOW_ROM_ALIAS);
    }

    /**
     * Guest RAM, for loaders and snapshots. Who writes into it directly tells {@link #codeWatch()}
     * what changed.
     */
    public MemorySegment ram() {
        return ram;
    }

    @Override
    public MemorySegment directMemory() {
        return ram;
    }

    @Override
    public CodeWatch codeWatch() {
        return code;
    }

    /**
     * Plain RAM pages are those the read and write fast paths serve: below the legacy hole and from
     * 1 MiB to the end of RAM, after the A20 mask. Device windows never cover them.
     */
    @Override
    public long directPage(int address) {
        long a = address & a20Mask & 0xFFFF_F000L;
        return a < HOLE_START || (a >= HOLE_END && a + 0x1000 <= ramEnd) ? a : -1;
    }

    @Override
    public int mappingVersion() {
        return mappingVersion;
    }

    /** Opens (A20 on) or closes (address bit 20 forced to 0) the A20 gate. */
    public void setA20(boolean enabled) {
        int mask = enabled ? -1 : ~(1 << 20);
        if (mask != a20Mask) {
            a20Mask = mask;
            mappingVersion++;
        }
    }

    private static long checkRamSize(long ramBytes) {
        if (ramBytes < HOLE_END || ramBytes > 0xF000_0000L) {
            throw new IllegalArgumentException("RAM size out of range: " + ramBytes);
        }
        return ramBytes;
    }

    public boolean a20() {
        return a20Mask == -1;
    }

    /** The BIOS image mapped below 4 GiB, for snapshots. */
    public byte[] rom() {
        return rom.clone();
    }

    /**
     * Sets where reads and writes of {@code [base, base + length)} inside 0xC0000-0xFFFFF go: to
     * RAM when the flag is set, otherwise to ROM (reads; open bus where no ROM is) and nowhere
     * (writes).
     */
    public void setShadow(int base, int length, boolean readRam, boolean writeRam) {
        if (base < SHADOW_START || base + length > HOLE_END || length <= 0) {
            throw new IllegalArgumentException("shadow range out of 0xC0000-0xFFFFF");
        }
        for (int a = base; a < base + length; a += SHADOW_BLOCK) {
            int block = (int) ((a - SHADOW_START) / SHADOW_BLOCK);
            shadowRead[block] = readRam;
            shadowWrite[block] = writeRam;
        }
    }

    /** Creates an unplaced device window; place it with {@link Window#place}. */
    public Window window(BusDevice device) {
        Window w = new Window(device);
        windows.add(w);
        return w;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    /** A range of physical addresses decoded to a device, movable as a PCI BAR is. */
    public static final class Window {
        private final BusDevice device;
        private long base = -1;
        private long end = -1;

        private Window(BusDevice device) {
            this.device = device;
        }

        /** Maps the device at {@code [base, base + size)}; windows placed later win on overlap. */
        public void place(long base, long size) {
            this.base = base;
            this.end = base + size;
        }

        public void remove() {
            base = -1;
            end = -1;
        }

        public boolean placed() {
            return base >= 0;
        }

        public long base() {
            return base;
        }
    }

    private boolean fast(long a, int n) {
        long last = a + n - 1;
        if (last >= ramEnd || (last >= HOLE_START && a < HOLE_END)) {
            return false;
        }
        // An access that straddles bit 20 while A20 is masked wraps byte by byte.
        return a20Mask == -1 || ((a ^ last) & (1 << 20)) == 0;
    }

    @Override
    public int read8(int address) {
        long a = address & a20Mask & 0xFFFF_FFFFL;
        if (a < HOLE_START || (a >= HOLE_END && a < ramEnd)) {
            return ram.get(ValueLayout.JAVA_BYTE, a) & 0xFF;
        }
        return slowRead(address & 0xFFFF_FFFFL, 1);
    }

    @Override
    public int read16(int address) {
        long a = address & a20Mask & 0xFFFF_FFFFL;
        if (fast(a, 2)) {
            return ram.get(LE16, a) & 0xFFFF;
        }
        return slowRead(address & 0xFFFF_FFFFL, 2);
    }

    @Override
    public int read32(int address) {
        long a = address & a20Mask & 0xFFFF_FFFFL;
        if (fast(a, 4)) {
            return ram.get(LE32, a);
        }
        return slowRead(address & 0xFFFF_FFFFL, 4);
    }

    @Override
    public void write8(int address, int value) {
        long a = address & a20Mask & 0xFFFF_FFFFL;
        if (a < HOLE_START || (a >= HOLE_END && a < ramEnd)) {
            ram.set(ValueLayout.JAVA_BYTE, a, (byte) value);
            code.stored(a);
            return;
        }
        slowWrite(address & 0xFFFF_FFFFL, 1, value);
    }

    @Override
    public void write16(int address, int value) {
        long a = address & a20Mask & 0xFFFF_FFFFL;
        if (fast(a, 2)) {
            ram.set(LE16, a, (short) value);
            code.stored(a, 2);
            return;
        }
        slowWrite(address & 0xFFFF_FFFFL, 2, value);
    }

    @Override
    public void write32(int address, int value) {
        long a = address & a20Mask & 0xFFFF_FFFFL;
        if (fast(a, 4)) {
            ram.set(LE32, a, value);
            code.stored(a, 4);
            return;
        }
        slowWrite(address & 0xFFFF_FFFFL, 4, value);
    }

    private Window windowAt(long a) {
        for (int i = windows.size() - 1; i >= 0; i--) {
            Window w = windows.get(i);
            if (a >= w.base && a < w.end) {
                return w;
            }
        }
        return null;
    }

    private long masked(long a) {
        return a & a20Mask & 0xFFFF_FFFFL;
    }

    private int slowRead(long address, int n) {
        long a = masked(address);
        Window w = windowAt(a);
        if (w != null && a + n <= w.end && masked(address + n - 1) == a + n - 1) {
            return w.device.read((int) (a - w.base), n);
        }
        int value = 0;
        for (int i = 0; i < n; i++) {
            value |= readByte(masked(address + i)) << (8 * i);
        }
        return value;
    }

    private void slowWrite(long address, int n, int value) {
        long a = masked(address);
        Window w = windowAt(a);
        if (w != null && a + n <= w.end && masked(address + n - 1) == a + n - 1) {
            w.device.write((int) (a - w.base), n, value);
            return;
        }
        for (int i = 0; i < n; i++) {
            writeByte(masked(address + i), (value >>> (8 * i)) & 0xFF);
        }
    }

    private int readByte(long a) {
        Window w = windowAt(a);
        if (w != null) {
            return w.device.read((int) (a - w.base), 1) & 0xFF;
        }
        if (a < HOLE_START || (a >= HOLE_END && a < ramEnd)) {
            return ram.get(ValueLayout.JAVA_BYTE, a) & 0xFF;
        }
        if (a >= SHADOW_START && a < HOLE_END) {
            if (shadowRead[(int) ((a - SHADOW_START) / SHADOW_BLOCK)]) {
                return ram.get(ValueLayout.JAVA_BYTE, a) & 0xFF;
            }
            if (a >= lowRomBase) {
                return rom[(int) (a - lowRomBase + rom.length - (HOLE_END - lowRomBase))] & 0xFF;
            }
            return 0xFF;
        }
        if (a >= highRomBase) {
            return rom[(int) (a - highRomBase)] & 0xFF;
        }
        return 0xFF;
    }

    private void writeByte(long a, int value) {
        Window w = windowAt(a);
        if (w != null) {
            w.device.write((int) (a - w.base), 1, value);
            return;
        }
        if ((a < HOLE_START || (a >= HOLE_END && a < ramEnd))
                || (a >= SHADOW_START
                        && a < HOLE_END
                        && shadowWrite[(int) ((a - SHADOW_START) / SHADOW_BLOCK)])) {
            ram.set(ValueLayout.JAVA_BYTE, a, (byte) value);
            code.stored(a);
        }
    }
}
