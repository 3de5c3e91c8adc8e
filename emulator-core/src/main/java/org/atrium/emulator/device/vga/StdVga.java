package org.atrium.emulator.device.vga;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.display.DisplaySurface;
import org.atrium.emulator.memory.LazyMemory;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * The Bochs/QEMU "std VGA" display adapter (PCI 1234:1111) as SeaVGABIOS drives it: an IBM VGA
 * (registers and memory organisation per IBM's VGA technical reference: sequencer, graphics
 * controller, attribute controller, DAC, CRT controller, general registers) plus the Bochs VBE
 * DISPI extension for linear high-resolution modes ({@link BochsDispi}).
 *
 * <p>Video memory holds the four VGA planes interleaved in its first 256 KiB (plane {@code p},
 * address {@code a} at byte {@code 4a + p}); VBE packed-pixel modes use the whole memory linearly.
 * Rendering is in {@link VgaRenderer}: CPU writes mark 1 KiB pages of video memory dirty, {@link
 * #refresh(long)} re-renders only the lines (or text rows) that read a dirty page or whose
 * registers changed, and the surface keeps as damage only the 16x16 tiles whose pixels differ.
 *
 * <p>Input Status 1 (retrace and display-enable bits) follows virtual time: the clock given to the
 * constructor, or else the time of the last refresh; each status read also advances it by an ISA
 * read cycle so a polling loop always ends even when virtual time stands still.
 *
 * <p>Left out: the PCI configuration header (the board's job), QEMU's MMIO register BAR, light pen,
 * the feature connector, the Misc Output RAM-enable bit (CPU access always works, as in QEMU), CRTC
 * horizontal timing (only display end is used), cursor skew, preset row scan in graphics modes, the
 * 8-bit attribute-palette path of 256-colour modes (pixels go straight to the DAC, as QEMU does)
 * and pel panning in 256-colour modes.
 */
public final class StdVga implements Snapshottable<StdVgaState> {
    /** The video memory QEMU gives its std VGA by default. */
    public static final int DEFAULT_VRAM_SIZE = 16 * 1024 * 1024;

    /** Video memory bounds: room for the four planes, and a sane upper limit. */
    static final int MIN_VRAM = 256 * 1024;

    static final int MAX_VRAM = 256 * 1024 * 1024;

    /** Granule of the write-dirty bitmap over video memory. */
    static final int PAGE_SHIFT = 10;

    /** An ISA I/O read takes about a microsecond; polling Input Status 1 advances by that much. */
    private static final long STATUS_READ_NANOS = 1_000;

    // Off-heap and mapped lazily: a guest that draws only a console touches a few of its 16 MiB.
    final MemorySegment vram;
    final int vramBytes;
    private final long[] dirtyPages;
    private final LongSupplier clock;
    final BochsDispi dispi;
    private final VgaRenderer renderer;

    // general registers
    int misc;
    private int featureControl;

    // sequencer
    private int seqIndex;
    final int[] seq = new int[8];

    // graphics controller
    private int gcIndex;
    final int[] gc = new int[16];

    // CRT controller
    private int crtcIndex;
    final int[] crtc = new int[64];

    // attribute controller; attrIndex keeps the palette address source bit (0x20)
    int attrIndex;
    private boolean attrExpectsData;
    final int[] attr = new int[0x15];

    // DAC
    final int[] dac = new int[256 * 3];
    int pelMask = 0xFF;
    private int dacWriteIndex;
    private int dacWriteComponent;
    private int dacReadIndex;
    private int dacReadComponent;
    private int dacState;
    private final int[] dacPending = new int[3];

    private int latch;
    private long statusReads;
    private long lastRefreshNanos;

    /** Set by register writes that change the whole picture. */
    boolean fullRedraw = true;

    /** Set when plane 2 (the font) was written. */
    boolean fontDirty = true;

    private final BusDevice vgaPorts = new Ports(0x3C0);
    private final BusDevice monoPorts = new Ports(0x3B0);
    private final BusDevice dispiPorts = new DispiPorts();
    private final BusDevice legacyMemory = new LegacyWindow();
    private final BusDevice linearFramebuffer = new LinearFramebuffer();

    /**
     * An adapter whose Input Status 1 timing follows only the times passed to {@link
     * #refresh(long)} and the number of status reads.
     */
    public StdVga(int vramSize) {
        this(vramSize, null);
    }

    /**
     * An adapter whose Input Status 1 (retrace, display enable) follows the given virtual clock in
     * nanoseconds.
     */
    public StdVga(int vramSize, LongSupplier virtualClock) {
        if (vramSize < MIN_VRAM || vramSize > MAX_VRAM || (vramSize & 0xFFFF) != 0) {
            throw new IllegalArgumentException(
                    "video memory must be a multiple of 64 KiB between 256 KiB and 256 MiB: "
                            + vramSize);
        }
        this.vram = LazyMemory.allocate(vramSize, Arena.ofAuto());
        this.vramBytes = vramSize;
        this.dirtyPages = new long[((vramSize >>> PAGE_SHIFT) + 63) / 64];
        this.clock = virtualClock;
        this.dispi = new BochsDispi(vramSize);
        this.renderer = new VgaRenderer(this);
        // power-on state: colour addressing, text-like memory map, identity palette
        misc = 0x01;
        gc[6] = 0x0E;
        gc[8] = 0xFF;
        seq[2] = 0x0F;
        attr[0x12] = 0x0F;
        for (int i = 0; i < 16; i++) {
            attr[i] = i;
        }
    }

    public BusDevice vgaPorts() {
        return vgaPorts;
    }

    public BusDevice monoPorts() {
        return monoPorts;
    }

    public BusDevice dispiPorts() {
        return dispiPorts;
    }

    public BusDevice legacyMemory() {
        return legacyMemory;
    }

    public BusDevice linearFramebuffer() {
        return linearFramebuffer;
    }

    public int vramSize() {
        return vramBytes;
    }

    public DisplaySurface surface() {
        return renderer.surface();
    }

    /**
     * Renders what changed since the last refresh into the surface and notifies its listeners.
     * Cursor and character blink phases come from {@code virtualNanos}. Call it on the thread that
     * runs the guest (the one that accesses the ports and memory windows); the surface itself may
     * be read from any thread.
     */
    public void refresh(long virtualNanos) {
        lastRefreshNanos = virtualNanos;
        renderer.render(virtualNanos);
        Arrays.fill(dirtyPages, 0);
        fullRedraw = false;
        fontDirty = false;
        renderer.surface().flush();
    }

    // ---------------------------------------------------------------- snapshot

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "std-vga";
    }

    @Override
    public Class<StdVgaState> stateType() {
        return StdVgaState.class;
    }

    @Override
    public StdVgaState snapshot() {
        return new StdVgaState(
                misc,
                featureControl,
                seqIndex,
                Arrays.copyOf(seq, 5),
                gcIndex,
                Arrays.copyOf(gc, 9),
                crtcIndex,
                Arrays.copyOf(crtc, 0x19),
                attrIndex,
                attrExpectsData,
                attr.clone(),
                dac.clone(),
                pelMask,
                dacReadIndex,
                dacReadComponent,
                dacWriteIndex,
                dacState,
                latch,
                dispi.snapshot(),
                vram.toArray(JAVA_BYTE));
    }

    /**
     * Loads a snapshot. The state is checked as untrusted input: arrays of the wrong length or
     * video memory of another size are refused with {@link IllegalArgumentException}; register
     * values are cut to their register widths.
     */
    @Override
    public void restore(StdVgaState s) {
        requireLength("sequencer", s.sequencer(), 5);
        requireLength("graphics", s.graphics(), 9);
        requireLength("crtc", s.crtc(), 0x19);
        requireLength("attribute", s.attribute(), attr.length);
        requireLength("dac", s.dac(), dac.length);
        if (s.dispi() == null || s.videoMemory() == null) {
            throw new IllegalArgumentException("std VGA state lacks DISPI registers or memory");
        }
        if (s.videoMemory().length != vramBytes) {
            throw new IllegalArgumentException(
                    "std VGA state has "
                            + s.videoMemory().length
                            + " bytes of video memory, this adapter "
                            + vramBytes);
        }
        misc = s.misc() & 0xFF;
        featureControl = s.featureControl() & 0x03;
        seqIndex = s.sequencerIndex() & 0x07;
        Arrays.fill(seq, 0);
        for (int i = 0; i < 5; i++) {
            seq[i] = s.sequencer()[i] & 0xFF;
        }
        gcIndex = s.graphicsIndex() & 0x0F;
        Arrays.fill(gc, 0);
        for (int i = 0; i < 9; i++) {
            gc[i] = s.graphics()[i] & 0xFF;
        }
        crtcIndex = s.crtcIndex() & 0x3F;
        Arrays.fill(crtc, 0);
        for (int i = 0; i < 0x19; i++) {
            crtc[i] = s.crtc()[i] & 0xFF;
        }
        attrIndex = s.attributeIndex() & 0x3F;
        attrExpectsData = s.attributeExpectsData();
        for (int i = 0; i < attr.length; i++) {
            attr[i] = s.attribute()[i] & (i < 16 ? 0x3F : 0xFF);
        }
        for (int i = 0; i < dac.length; i++) {
            dac[i] = s.dac()[i] & 0xFF;
        }
        pelMask = s.pelMask() & 0xFF;
        dacReadIndex = s.dacReadIndex() & 0xFF;
        dacReadComponent = Math.floorMod(s.dacReadComponent(), 3);
        dacWriteIndex = s.dacWriteIndex() & 0xFF;
        dacWriteComponent = 0;
        dacState = s.dacState() == 0x03 ? 0x03 : 0x00;
        latch = s.latches();
        dispi.restore(s.dispi());
        LazyMemory.copySparse(MemorySegment.ofArray(s.videoMemory()), vram);
        fullRedraw = true;
        fontDirty = true;
    }

    private static void requireLength(String what, int[] values, int length) {
        if (values == null || values.length != length) {
            throw new IllegalArgumentException(
                    "std VGA state: " + what + " registers must be " + length + " values");
        }
    }

    // ---------------------------------------------------------------- dirty tracking

    void markDirty(int vramIndex) {
        int page = vramIndex >>> PAGE_SHIFT;
        dirtyPages[page >>> 6] |= 1L << page;
    }

    /** Whether any byte of video memory in [from, to) was written since the last refresh. */
    boolean anyDirty(int from, int to) {
        if (to <= from) {
            return false;
        }
        int first = Math.max(0, from) >>> PAGE_SHIFT;
        int last = (Math.min(to, vramBytes) - 1) >>> PAGE_SHIFT;
        for (int p = first; p <= last; p++) {
            if ((dirtyPages[p >>> 6] & (1L << p)) != 0) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- I/O ports

    private boolean colorAddressing() {
        return (misc & 0x01) != 0;
    }

    /** The general, sequencer, GC, attribute, DAC and CRTC registers at 0x3C0 or 0x3B0. */
    private final class Ports implements BusDevice {
        private final int base;

        Ports(int base) {
            this.base = base;
        }

        @Override
        public int read(int offset, int size) {
            int value = 0;
            for (int i = 0; i < size; i++) {
                value |= (readPort(base + offset + i) & 0xFF) << (8 * i);
            }
            return value;
        }

        @Override
        public void write(int offset, int size, int value) {
            for (int i = 0; i < size; i++) {
                writePort(base + offset + i, (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    private int readPort(int port) {
        return switch (port) {
            case 0x3C0 -> attrIndex;
            case 0x3C1 -> (attrIndex & 0x1F) < attr.length ? attr[attrIndex & 0x1F] : 0;
            case 0x3C2 -> 0x10; // Input Status 0: switch sense reads as a colour monitor
            case 0x3C4 -> seqIndex;
            case 0x3C5 -> seqIndex < 5 ? seq[seqIndex] : 0xFF;
            case 0x3C6 -> pelMask;
            case 0x3C7 -> dacState;
            case 0x3C8 -> dacWriteIndex;
            case 0x3C9 -> readDacData();
            case 0x3CA -> featureControl;
            case 0x3CC -> misc;
            case 0x3CE -> gcIndex;
            case 0x3CF -> gcIndex < 9 ? gc[gcIndex] : 0xFF;
            case 0x3D4, 0x3B4 -> crtcActive(port) ? crtcIndex : 0xFF;
            case 0x3D5, 0x3B5 -> crtcActive(port) ? readCrtc() : 0xFF;
            case 0x3DA, 0x3BA -> crtcActive(port) ? readInputStatus1() : 0xFF;
            default -> 0xFF;
        };
    }

    private void writePort(int port, int value) {
        switch (port) {
            case 0x3C0 -> writeAttribute(value);
            case 0x3C2 -> setAndRedraw(value, misc, v -> misc = v);
            case 0x3C4 -> seqIndex = value & 0x07;
            case 0x3C5 -> writeSequencer(value);
            case 0x3C6 -> setAndRedraw(value, pelMask, v -> pelMask = v);
            case 0x3C7 -> {
                dacReadIndex = value;
                dacReadComponent = 0;
                dacState = 0x03;
            }
            case 0x3C8 -> {
                dacWriteIndex = value;
                dacWriteComponent = 0;
                dacState = 0x00;
            }
            case 0x3C9 -> writeDacData(value);
            case 0x3CE -> gcIndex = value & 0x0F;
            case 0x3CF -> writeGraphics(value);
            case 0x3D4, 0x3B4 -> {
                if (crtcActive(port)) {
                    crtcIndex = value & 0x3F;
                }
            }
            case 0x3D5, 0x3B5 -> {
                if (crtcActive(port)) {
                    writeCrtc(value);
                }
            }
            case 0x3DA, 0x3BA -> {
                if (crtcActive(port)) {
                    featureControl = value & 0x03;
                }
            }
            default -> {
                // 0x3C3 video subsystem enable and unassigned ports: nothing to do
            }
        }
    }

    private void setAndRedraw(int value, int old, IntConsumer setter) {
        if (value != old) {
            setter.accept(value);
            fullRedraw = true;
        }
    }

    /** The CRTC and Input Status 1 answer at 0x3Dx in colour and 0x3Bx in mono addressing. */
    private boolean crtcActive(int port) {
        return (port >= 0x3D0) == colorAddressing();
    }

    private void writeAttribute(int value) {
        if (!attrExpectsData) {
            if ((value & 0x20) != (attrIndex & 0x20)) {
                fullRedraw = true; // palette address source: the display turns on or off
            }
            attrIndex = value & 0x3F;
        } else {
            int index = attrIndex & 0x1F;
            if (index < attr.length) {
                int masked = value & (index < 16 ? 0x3F : 0xFF);
                if (attr[index] != masked) {
                    attr[index] = masked;
                    fullRedraw = true;
                }
            }
        }
        attrExpectsData = !attrExpectsData;
    }

    private void writeSequencer(int value) {
        int old = seq[seqIndex];
        seq[seqIndex] = value;
        // map mask (2) and memory mode (4) only steer CPU accesses
        if (seqIndex != 2 && seqIndex != 4 && old != value) {
            fullRedraw = true;
        }
    }

    private void writeGraphics(int value) {
        if (gcIndex > 8) {
            return;
        }
        int old = gc[gcIndex];
        gc[gcIndex] = value;
        // GC5 bits 5-6 (shift mode) and GC6 (alphanumeric, memory map) change the picture
        boolean visible =
                (gcIndex == 5 && ((old ^ value) & 0x60) != 0) || (gcIndex == 6 && old != value);
        if (visible) {
            fullRedraw = true;
        }
    }

    private int readCrtc() {
        return crtcIndex <= 0x18 ? crtc[crtcIndex] : 0xFF;
    }

    private void writeCrtc(int value) {
        int index = crtcIndex;
        if (index > 0x18) {
            return;
        }
        // CR11 bit 7 protects CR0-CR7, except the line compare bit 4 of CR7
        if ((crtc[0x11] & 0x80) != 0 && index <= 7) {
            if (index != 7) {
                return;
            }
            value = (crtc[7] & ~0x10) | (value & 0x10);
        }
        int old = crtc[index];
        crtc[index] = value;
        // cursor shape and position are compared per cell by the text renderer
        boolean cursor = index == 0x0A || index == 0x0B || index == 0x0E || index == 0x0F;
        if (!cursor && old != value) {
            fullRedraw = true;
        }
    }

    private int readInputStatus1() {
        attrExpectsData = false;
        statusReads++;
        long now = (clock != null ? clock.getAsLong() : lastRefreshNanos);
        long t = now + statusReads * STATUS_READ_NANOS;
        return VgaTiming.inputStatus1(t);
    }

    private int readDacData() {
        int value = dac[(dacReadIndex & 0xFF) * 3 + dacReadComponent];
        if (++dacReadComponent == 3) {
            dacReadComponent = 0;
            dacReadIndex = (dacReadIndex + 1) & 0xFF;
        }
        return value;
    }

    private void writeDacData(int value) {
        // VBE 8-bit DAC mode keeps whole bytes; the VGA DAC keeps 6 bits per colour
        dacPending[dacWriteComponent] = dispi.dac8Bit() ? value & 0xFF : value & 0x3F;
        if (++dacWriteComponent == 3) {
            int base = (dacWriteIndex & 0xFF) * 3;
            for (int i = 0; i < 3; i++) {
                if (dac[base + i] != dacPending[i]) {
                    dac[base + i] = dacPending[i];
                    fullRedraw = true;
                }
            }
            dacWriteComponent = 0;
            dacWriteIndex = (dacWriteIndex + 1) & 0xFF;
        }
    }

    // ---------------------------------------------------------------- Bochs VBE DISPI

    private final class DispiPorts implements BusDevice {
        @Override
        public int read(int offset, int size) {
            return switch (offset) {
                case 0 -> dispi.readIndex();
                case 1 -> dispi.readData() & (size == 1 ? 0xFF : 0xFFFF);
                default -> 0xFFFF;
            };
        }

        @Override
        public void write(int offset, int size, int value) {
            switch (offset) {
                case 0 -> dispi.writeIndex(value);
                case 1 -> {
                    if (dispi.writeData(value)) {
                        int n = dispi.clearLength();
                        LazyMemory.clear(vram.asSlice(0, n));
                    }
                    fullRedraw = true;
                }
                default -> {
                    // outside the two DISPI ports
                }
            }
        }
    }

    // ---------------------------------------------------------------- memory

    private final class LegacyWindow implements BusDevice {
        @Override
        public int read(int offset, int size) {
            int value = 0;
            for (int i = 0; i < size; i++) {
                value |= (readLegacy(offset + i) & 0xFF) << (8 * i);
            }
            return value;
        }

        @Override
        public void write(int offset, int size, int value) {
            for (int i = 0; i < size; i++) {
                writeLegacy(offset + i, (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    private final class LinearFramebuffer implements BusDevice {
        @Override
        public int read(int offset, int size) {
            if (offset >= 0 && offset <= vramBytes - size) {
                int value = 0;
                for (int i = size - 1; i >= 0; i--) {
                    value = value << 8 | (vram.get(JAVA_BYTE, offset + i) & 0xFF);
                }
                return value;
            }
            // straddling either end: bytes outside video memory read as 0xFF
            int value = 0;
            for (int i = 0; i < size; i++) {
                int a = offset + i;
                int b = a >= 0 && a < vramBytes ? vram.get(JAVA_BYTE, a) & 0xFF : 0xFF;
                value |= b << (8 * i);
            }
            return value;
        }

        @Override
        public void write(int offset, int size, int value) {
            if (offset >= 0 && offset <= vramBytes - size) {
                for (int i = 0; i < size; i++) {
                    vram.set(JAVA_BYTE, offset + i, (byte) (value >>> (8 * i)));
                }
                markDirty(offset);
                markDirty(offset + size - 1);
                return;
            }
            for (int i = 0; i < size; i++) {
                int a = offset + i;
                if (a >= 0 && a < vramBytes) {
                    vram.set(JAVA_BYTE, a, (byte) (value >>> (8 * i)));
                    markDirty(a);
                }
            }
        }
    }

    /** VBE packed-pixel modes see video memory linearly through a 64 KiB bank at 0xA0000. */
    private boolean vbeBanked() {
        return dispi.enabled() && dispi.bpp() != 4;
    }

    /**
     * The CPU address inside the memory map selected by GC6 bits 2-3 for an offset from 0xA0000, or
     * -1 when the offset is outside the map.
     */
    private int mapAddress(int offset) {
        if (offset < 0 || offset >= 0x20000) {
            return -1;
        }
        return switch ((gc[6] >>> 2) & 3) {
            case 0 -> offset;
            case 1 -> offset < 0x10000 ? offset : -1;
            case 2 -> offset >= 0x10000 && offset < 0x18000 ? offset - 0x10000 : -1;
            default -> offset >= 0x18000 ? offset - 0x18000 : -1;
        };
    }

    private int readLegacy(int offset) {
        if (vbeBanked()) {
            if (offset < 0 || offset >= 0x10000) {
                return 0xFF;
            }
            int a = (dispi.bank() << 16) + offset;
            return a < vramBytes ? vram.get(JAVA_BYTE, a) & 0xFF : 0xFF;
        }
        int a = vbePlanarAddress(mapAddress(offset));
        if (a < 0) {
            return 0xFF;
        }
        return readPlanar(a);
    }

    /**
     * In VBE 4-bpp modes the bank selects which 64 KiB of each plane the window shows, so planes
     * can be larger than the VGA's 64 KiB (a quarter of video memory each).
     */
    private int vbePlanarAddress(int a) {
        if (a < 0 || !dispi.enabled()) {
            return a;
        }
        return a < 0x10000 ? (dispi.bank() << 16) + a : -1;
    }

    /** Plane address for a CPU address, or -1 outside the planes. */
    private int planeAddress(int address) {
        if (!dispi.enabled()) {
            return address & 0xFFFF;
        }
        return address >= 0 && address < vramBytes >>> 2 ? address : -1;
    }

    private void writeLegacy(int offset, int value) {
        if (vbeBanked()) {
            if (offset >= 0 && offset < 0x10000) {
                int a = (dispi.bank() << 16) + offset;
                if (a < vramBytes) {
                    vram.set(JAVA_BYTE, a, (byte) value);
                    markDirty(a);
                }
            }
            return;
        }
        int a = vbePlanarAddress(mapAddress(offset));
        if (a >= 0) {
            writePlanar(a, value);
        }
    }

    private boolean chain4() {
        return (seq[4] & 0x08) != 0;
    }

    private int planeByte(int plane, int address) {
        return vram.get(JAVA_BYTE, (address << 2) | plane) & 0xFF;
    }

    /** A CPU read through the graphics controller: loads the latches, then read mode 0 or 1. */
    private int readPlanar(int cpuAddress) {
        int address;
        int plane;
        if (chain4()) {
            address = cpuAddress & ~3;
            plane = cpuAddress & 3;
        } else if ((gc[5] & 0x10) != 0) {
            address = cpuAddress & ~1;
            plane = (gc[4] & 2) | (cpuAddress & 1);
        } else {
            address = cpuAddress;
            plane = gc[4] & 3;
        }
        address = planeAddress(address);
        if (address < 0) {
            return 0xFF;
        }
        latch =
                planeByte(0, address)
                        | planeByte(1, address) << 8
                        | planeByte(2, address) << 16
                        | planeByte(3, address) << 24;
        if (chain4() || (gc[5] & 0x08) == 0) {
            return (latch >>> (8 * plane)) & 0xFF;
        }
        // read mode 1: colour compare over the planes not marked "don't care"
        int result = 0xFF;
        for (int p = 0; p < 4; p++) {
            if ((gc[7] & (1 << p)) != 0) {
                int planeValue = (latch >>> (8 * p)) & 0xFF;
                int want = (gc[2] & (1 << p)) != 0 ? 0xFF : 0x00;
                result &= ~(planeValue ^ want);
            }
        }
        return result & 0xFF;
    }

    /** A CPU write through the graphics controller's write modes 0-3 into the enabled planes. */
    private void writePlanar(int cpuAddress, int value) {
        int address;
        int planes = seq[2] & 0x0F;
        if (chain4()) {
            address = cpuAddress & ~3;
            planes &= 1 << (cpuAddress & 3);
        } else if ((seq[4] & 0x04) == 0) {
            // odd/even: even addresses reach planes 0 and 2, odd addresses planes 1 and 3
            address = cpuAddress & ~1;
            planes &= (cpuAddress & 1) != 0 ? 0x0A : 0x05;
        } else {
            address = cpuAddress;
        }
        address = planeAddress(address);
        if (address < 0) {
            return;
        }
        int result = graphicsWrite(value);
        for (int p = 0; p < 4; p++) {
            if ((planes & (1 << p)) != 0) {
                int index = (address << 2) | p;
                vram.set(JAVA_BYTE, index, (byte) (result >>> (8 * p)));
                markDirty(index);
            }
        }
        if ((planes & 0x04) != 0) {
            fontDirty = true;
        }
    }

    /** The four plane bytes (packed, plane 0 lowest) the graphics controller produces. */
    private int graphicsWrite(int value) {
        int mode = gc[5] & 3;
        int rotate = gc[3] & 7;
        int function = (gc[3] >>> 3) & 3;
        int bitMask = gc[8];
        int rotated = ((value >>> rotate) | (value << (8 - rotate))) & 0xFF;
        int data;
        switch (mode) {
            case 0 -> {
                data = replicate(rotated);
                int enableSetReset = expandPlanes(gc[1]);
                data = (data & ~enableSetReset) | (expandPlanes(gc[0]) & enableSetReset);
            }
            case 1 -> {
                return latch;
            }
            case 2 -> data = expandPlanes(value);
            default -> {
                bitMask &= rotated;
                data = expandPlanes(gc[0]);
            }
        }
        data =
                switch (function) {
                    case 1 -> data & latch;
                    case 2 -> data | latch;
                    case 3 -> data ^ latch;
                    default -> data;
                };
        int mask = replicate(bitMask);
        return (data & mask) | (latch & ~mask);
    }

    private static int replicate(int b) {
        return b * 0x01010101;
    }

    /** Each of the low four bits of {@code bits} becomes a full 0x00 or 0xFF plane byte. */
    private static int expandPlanes(int bits) {
        int out = 0;
        for (int p = 0; p < 4; p++) {
            if ((bits & (1 << p)) != 0) {
                out |= 0xFF << (8 * p);
            }
        }
        return out;
    }
}
