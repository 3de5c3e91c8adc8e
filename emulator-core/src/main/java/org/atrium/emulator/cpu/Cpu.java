package org.atrium.emulator.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.atrium.emulator.bus.CodeWatch;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * An i686-class x86 CPU interpreter (Intel SDM vol. 3: real mode, 16/32-bit protected mode,
 * two-level paging with 4 KiB and 4 MiB pages behind a software TLB). One decoder drives a
 * switch-based interpreter; arithmetic flags are computed lazily from the last operation ({@link
 * #eflags()} materialises them).
 *
 * <p>Not thread-safe: a machine calls every method, {@link #nmi()} included, from the thread that
 * runs the CPU. After {@link #run(int)} it checks {@link #shutdownRequested()} (triple fault) and
 * {@link #failure()} (emulator error); a halted CPU with IF clear wakes only for an NMI.
 *
 * <p>Left out for now: virtual-8086 mode extensions (CR4.VME/PVI), 16-bit TSSs in task switches,
 * debug-register breakpoints (TF single-step is modelled), the x87 as {@link X87} describes, SMM,
 * MMX/SSE.
 */
public final class Cpu implements Snapshottable<CpuState> {
    // Register numbers as encoded in ModRM.
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    // Segment register numbers as encoded in ModRM.
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;
    public static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100;
    public static final int IF = 0x200, DF = 0x400, OF = 0x800, IOPL = 0x3000, NT = 0x4000;
    public static final int RF = 0x10000, VM = 0x20000, AC = 0x40000, ID = 0x200000;
    private static final int ARITH = CF | PF | AF | ZF | SF | OF;
    private static final int EFLAGS_WRITABLE = ARITH | TF | IF | DF | IOPL | NT | RF | AC | ID;

    static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10;
    static final int CR0_WP = 0x10000, CR0_PG = 0x80000000;
    // CR4.PGE is accepted: global entries may always be flushed, so flushing them with the rest on
    // a CR3 write is correct, only slower than a TLB that keeps them.
    static final int CR4_TSD = 4, CR4_PSE = 0x10, CR4_PGE = 0x80;

    // Operand sizes.
    private static final int B = 0, W = 1, D = 2;
    private static final int[] MASK = {0xFF, 0xFFFF, 0xFFFFFFFF};
    private static final int[] SIGN = {0x80, 0x8000, 0x80000000};
    private static final int[] BYTES = {1, 2, 4};

    // Segment-cache attribute bits: the high descriptor dword masked with 0x00F0FF00.
    private static final int ATTR_ACCESSED = 0x100;
    private static final int ATTR_WRITE_READ = 0x200;
    private static final int ATTR_CONFORMING = 0x400;
    private static final int ATTR_CODE = 0x800;
    private static final int ATTR_S = 0x1000;
    private static final int ATTR_P = 0x8000;
    private static final int ATTR_DB = 0x400000;
    private static final int ATTR_G = 0x800000;

    // Lazy flag operations.
    private static final int OP_LOGIC = 0, OP_ADD = 1, OP_ADC = 2, OP_SUB = 3, OP_SBB = 4;
    private static final int OP_INC = 5, OP_DEC = 6;

    // Interrupt kinds for delivery.
    private static final int INT_SOFTWARE = 0, INT_EXCEPTION = 1, INT_HARDWARE = 2;

    private static final int[] DATA_SEGMENTS = {ES, DS, FS, GS};
    private static final byte[] PARITY = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            PARITY[i] = (byte) ((Integer.bitCount(i) & 1) == 0 ? PF : 0);
        }
    }

    private final PhysicalMemory memory;
    // The write tracking of guest RAM, told of every store (null: not tracked).
    private final CodeWatch codeWatch;
    private final IoPorts io;
    private final InterruptSource interrupts;
    private final LongSupplier timestampCounter;
    private final CpuFault fault = new CpuFault();

    // Architectural state.
    private final int[] regs = new int[8];
    private final int[] segSel = new int[6];
    private final int[] segBase = new int[6];
    private final int[] segLimit = new int[6];
    private final int[] segAttr = new int[6];
    private int eip;
    private int eflags;
    private int cr0, cr2, cr3, cr4;
    private final int[] dr = new int[8];
    private int gdtBase, gdtLimit, idtBase, idtLimit;
    private int ldtSel, ldtBase, ldtLimit;
    private int trSel, trBase, trLimit, trAttr;
    private int cpl;
    private long tscOffset;
    private int sysenterCs, sysenterEsp, sysenterEip;
    private final X87 x87 = new X87();
    private final X87.Host x87Host = new X87Operand();

    // Software TLB: direct-mapped by linear page; empty slots hold 0, filled ones the page number +
    // 1.
    private static final int TLB_SIZE = 4096;
    private static final byte TLB_USER = 1, TLB_WRITABLE = 2, TLB_DIRTY = 4;
    private final int[] tlbPage = new int[TLB_SIZE];
    private final int[] tlbFrame = new int[TLB_SIZE];
    private final byte[] tlbBits = new byte[TLB_SIZE];

    // Fast path in front of the TLB: linear pages known to be plain RAM that the current privilege
    // (supervisor, or user at CPL 3, in two halves) may read, or also write, with the page's offset
    // in directMemory(). A tag is a page address; an empty slot holds 1, which no page address
    // equals. Filled by successful translations, cleared with the TLB and on mapping changes.
    private static final int TLB_BITS = 12;
    private static final int EMPTY_TAG = 1;
    private static final ValueLayout.OfShort LE16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment ram;
    // The fast paths (the fast-path slots above, the fetch window, runs of pushes and pops, block
    // string stores) reach guest RAM in native memory by host address, through one segment that
    // spans the address space: a constant, so that an access costs no bounds or liveness check
    // (ADR 26). Each such access stays inside one 4 KiB page of RAM, since fillFast only takes
    // pages that lie whole in it; RAM is freed only by the machine's thread, after its CPU has
    // stopped for good. RAM on the heap, which test boards give, goes through its segment
    // (ramAddress is then 0), as all RAM does when this module has no native access (the segment
    // is made by a restricted method, as LazyMemory's mapping is).
    private static final MemorySegment HOST_MEMORY =
            Cpu.class.getModule().isNativeAccessEnabled()
                    ? MemorySegment.NULL.reinterpret(Long.MAX_VALUE)
                    : null;
    private final long ramAddress;
    private DecodedInstructions decoded;
    // While a block of decoded instructions runs: RAM offsets [codeLow, codeLow + codeSpan) cover
    // its code (from 3 bytes before it, for wider stores that reach into it), and blockRetired
    // counts its instructions run to completion. A fast-path store there sets pollInterrupts, so
    // that the block stops after it as after a port access, with one test for both.
    private long codeLow;
    private long codeSpan;
    private int blockRetired;
    private final int[] fastReadTag = new int[2 * TLB_SIZE];
    private final int[] fastWriteTag = new int[2 * TLB_SIZE];
    private final long[] fastOffset = new long[2 * TLB_SIZE];
    private int mappingVersion;

    // Instruction fetch window: EIPs in [fetchStart, fetchStart + fetchLen) lie in one RAM page
    // inside CS's limit and are read at ram offset fetchOffset + (eip - fetchStart). It is valid
    // for the CS base, limit and CPL it was made with.
    private int fetchStart, fetchLen;
    // How far into the window the current instruction may fetch (its 15-byte limit included).
    private int fetchEnd;
    private long fetchOffset;

    // Lazy flags: which arithmetic flags are to be computed from the last operation.
    private int lazyMask;
    private int lazyOp, lazyA, lazyB, lazyRes, lazySize;
    private boolean lazyCarry;

    // Run state.
    private boolean halted;
    private boolean shutdown;
    private boolean nmiPending, nmiBlocked;
    private boolean interruptShadow;
    // The interrupt controller's request changes only when the CPU touches a port or a device, or
    // acknowledges one (timers fire between run calls): asked again only then. Also set by a store
    // into the running block's code (codeSpan), after which the block must stop.
    private boolean pollInterrupts;
    private boolean interruptRequest;
    // Set when the current instruction delivered an interrupt (INT n clears TF: no single-step
    // trap).
    private boolean delivered;
    private CpuFailure failure;

    // Per-instruction decode state.
    private int startEip;
    private boolean op32, addr32;
    private int segOverride;
    private int rep;
    private int mod, reg, rm, eaSeg, eaOff;

    /** A CPU that runs guest code from decoded blocks. */
    public Cpu(
            PhysicalMemory memory,
            IoPorts io,
            InterruptSource interrupts,
            LongSupplier timestampCounter) {
        this(memory, io, interrupts, timestampCounter, true);
    }

    /**
     * @param decodedBlocks run guest code from a cache of decoded blocks (ADR 17), or decode every
     *     instruction each time it runs; both give the same results
     */
    public Cpu(
            PhysicalMemory memory,
            IoPorts io,
            InterruptSource interrupts,
            LongSupplier timestampCounter,
            boolean decodedBlocks) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.io = Objects.requireNonNull(io, "io");
        this.interrupts = Objects.requireNonNull(interrupts, "interrupts");
        this.timestampCounter = Objects.requireNonNull(timestampCounter, "timestampCounter");
        MemorySegment direct = memory.directMemory();
        this.ram = direct == null ? MemorySegment.ofArray(new byte[0]) : direct;
        this.codeWatch = direct == null ? null : memory.codeWatch();
        this.ramAddress = HOST_MEMORY != null && ram.isNative() ? ram.address() : 0;
        this.decoded = decodedBlocks ? new DecodedInstructions(ram, codeWatch) : null;
        reset();
    }

    /** Puts the CPU in its power-on state (Intel SDM vol. 3, 9.1.1, table 9-1). */
    public void reset() {
        Arrays.fill(regs, 0);
        regs[EDX] = 0x00000610; // family 6, model 1, stepping 0: matches CPUID leaf 1
        for (int s = 0; s < 6; s++) {
            setCache(s, 0, 0, 0xFFFF, ATTR_P | ATTR_S | ATTR_WRITE_READ | ATTR_ACCESSED);
        }
        setCache(
                CS,
                0xF000,
                0xFFFF0000,
                0xFFFF,
                ATTR_P | ATTR_S | ATTR_CODE | ATTR_WRITE_READ | ATTR_ACCESSED);
        eip = 0xFFF0;
        eflags = 2;
        lazyMask = 0;
        cr0 = 0x60000010;
        cr2 = cr3 = cr4 = 0;
        flushTlb();
        Arrays.fill(dr, 0);
        dr[6] = 0xFFFF0FF0;
        dr[7] = 0x400;
        gdtBase = idtBase = 0;
        gdtLimit = idtLimit = 0xFFFF;
        ldtSel = ldtBase = 0;
        ldtLimit = 0xFFFF;
        trSel = trBase = 0;
        trLimit = 0xFFFF;
        trAttr = ATTR_P | 0xB00;
        cpl = 0;
        fetchMoved();
        tscOffset = 0;
        sysenterCs = sysenterEsp = sysenterEip = 0;
        x87.reset(0x40, 0, 0x5555);
        halted = false;
        shutdown = false;
        nmiPending = false;
        nmiBlocked = false;
        interruptShadow = false;
        failure = null;
        if (decoded != null) {
            decoded.clear();
        }
        codeSpan = 0;
    }

    // ---------------------------------------------------------------- public API

    /**
     * Executes up to {@code maxInstructions} instructions. Each retired instruction, and each
     * exception that an instruction raised instead of retiring, counts as one step, so a guest
     * stuck in a faulting loop still returns. Returns early when halted, after a triple fault, or
     * after an emulator failure ({@link #failure()}).
     */
    public int run(int maxInstructions) {
        int steps = 0;
        if (failure != null || shutdown) {
            return 0;
        }
        checkMapping();
        pollInterrupts = true;
        try {
            slice:
            while (steps < maxInstructions) {
                if (pollInterrupts) {
                    pollInterrupts = false;
                    interruptRequest = interrupts.pending();
                }
                if (interruptShadow) {
                    interruptShadow = false;
                } else if (nmiPending && !nmiBlocked) {
                    nmiPending = false;
                    nmiBlocked = true;
                    halted = false;
                    deliverExternal(2);
                    if (shutdown) {
                        break;
                    }
                } else if ((eflags & IF) != 0 && interruptRequest) {
                    pollInterrupts = true;
                    halted = false;
                    deliverExternal(interrupts.acknowledge() & 0xFF);
                    if (shutdown) {
                        break;
                    }
                }
                if (halted) {
                    break;
                }
                if ((eflags & TF) != 0) {
                    startEip = eip;
                    delivered = false;
                    try {
                        step();
                        if (!delivered) {
                            // TF set before the instruction: #DB trap after it (SDM vol. 3,
                            // 17.3.1.4).
                            dr[6] |= 0x4000;
                            deliver(1, INT_EXCEPTION, false, 0, eip);
                        }
                    } catch (CpuFault f) {
                        deliverException(f.vector, f.hasErrorCode, f.errorCode);
                        if (shutdown) {
                            steps++;
                            break;
                        }
                    }
                    steps++;
                    if (halted) {
                        break;
                    }
                    continue;
                }
                // Straight-line execution: the checks above run again only once an instruction
                // may have changed their outcome (a bus or port access, an interrupt shadow, HLT,
                // TF, or IF set with a request already known).
                int stopFlags = TF | (interruptRequest ? IF : 0);
                if (decoded == null) {
                    do {
                        startEip = eip;
                        try {
                            step();
                        } catch (CpuFault f) {
                            codeSpan = 0;
                            deliverException(f.vector, f.hasErrorCode, f.errorCode);
                            if (shutdown) {
                                steps++;
                                break slice;
                            }
                        }
                        steps++;
                    } while (steps < maxInstructions
                            && !pollInterrupts
                            && !interruptShadow
                            && !halted
                            && !nmiPending
                            && (eflags & stopFlags) == 0);
                    if (halted) {
                        break;
                    }
                    continue;
                }
                do {
                    blockRetired = 0;
                    try {
                        runBlock(maxInstructions - steps);
                        steps += blockRetired;
                    } catch (CpuFault f) {
                        // The instructions before the faulting one retired.
                        steps += blockRetired;
                        codeSpan = 0;
                        deliverException(f.vector, f.hasErrorCode, f.errorCode);
                        if (shutdown) {
                            steps++;
                            break slice;
                        }
                        steps++;
                    }
                } while (steps < maxInstructions
                        && !pollInterrupts
                        && !interruptShadow
                        && !halted
                        && !nmiPending
                        && (eflags & stopFlags) == 0);
                if (halted) {
                    break;
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            failure =
                    new CpuFailure(
                            String.format(
                                    "emulator error at %04X:%08X: %s", segSel[CS], startEip, e),
                            e);
        }
        return steps;
    }

    public boolean halted() {
        return halted;
    }

    /**
     * Runs guest code from a new, empty cache of decoded blocks from the next {@link #run}, or
     * drops the cache and decodes every instruction afresh; nothing changes if it already is so.
     * Either way the guest sees the same machine. Call it between {@link #run} calls, on the thread
     * that runs the CPU.
     */
    public void useDecodedBlocks(boolean on) {
        if (on && decoded == null) {
            decoded = new DecodedInstructions(ram, codeWatch);
        } else if (!on) {
            decoded = null;
        }
    }

    /** Whether guest code runs from a cache of decoded blocks ({@link #useDecodedBlocks}). */
    public boolean usesDecodedBlocks() {
        return decoded != null;
    }

    public void nmi() {
        nmiPending = true;
    }

    public boolean shutdownRequested() {
        return shutdown;
    }

    /** The emulator error that stopped this CPU, or {@code null}; cleared by {@link #reset()}. */
    public CpuFailure failure() {
        return failure;
    }

    public int eax() {
        return regs[EAX];
    }

    public int ecx() {
        return regs[ECX];
    }

    public int edx() {
        return regs[EDX];
    }

    public int ebx() {
        return regs[EBX];
    }

    public int esp() {
        return regs[ESP];
    }

    public int ebp() {
        return regs[EBP];
    }

    public int esi() {
        return regs[ESI];
    }

    public int edi() {
        return regs[EDI];
    }

    public void setEax(int v) {
        regs[EAX] = v;
    }

    public void setEcx(int v) {
        regs[ECX] = v;
    }

    public void setEdx(int v) {
        regs[EDX] = v;
    }

    public void setEbx(int v) {
        regs[EBX] = v;
    }

    public void setEsp(int v) {
        regs[ESP] = v;
    }

    public void setEbp(int v) {
        regs[EBP] = v;
    }

    public void setEsi(int v) {
        regs[ESI] = v;
    }

    public void setEdi(int v) {
        regs[EDI] = v;
    }

    /** General register by ModRM number ({@link #EAX}..{@link #EDI}). */
    public int register(int index) {
        return regs[index];
    }

    public void setRegister(int index, int value) {
        regs[index] = value;
    }

    public int eip() {
        return eip;
    }

    public void setEip(int v) {
        eip = v;
    }

    /** EFLAGS with the lazily computed arithmetic flags folded in. */
    public int eflags() {
        return materializedFlags();
    }

    public void setEflags(int v) {
        eflags = (v & (EFLAGS_WRITABLE | VM)) | 2;
        lazyMask = 0;
    }

    public int cr0() {
        return cr0;
    }

    public int cr2() {
        return cr2;
    }

    public int cr3() {
        return cr3;
    }

    public int cr4() {
        return cr4;
    }

    public int cpl() {
        return cpl;
    }

    /** Segment selector by number ({@link #ES}..{@link #GS}). */
    public int segmentSelector(int seg) {
        return segSel[seg];
    }

    public int segmentBase(int seg) {
        return segBase[seg];
    }

    public int segmentLimit(int seg) {
        return segLimit[seg];
    }

    public int cs() {
        return segSel[CS];
    }

    public int ds() {
        return segSel[DS];
    }

    public int es() {
        return segSel[ES];
    }

    public int ss() {
        return segSel[SS];
    }

    public int fs() {
        return segSel[FS];
    }

    public int gs() {
        return segSel[GS];
    }

    public int csBase() {
        return segBase[CS];
    }

    /**
     * Loads a segment register the way real mode does (selector and base = selector * 16; the
     * cached limit and attributes stay), for tests and for machines that start the CPU elsewhere.
     */
    public void setSegmentReal(int seg, int selector) {
        segSel[seg] = selector & 0xFFFF;
        segBase[seg] = (selector & 0xFFFF) << 4;
        fetchMoved();
    }

    /** Sets a segment cache directly, as a loader does for a flat 32-bit environment. */
    public void setSegment(int seg, int selector, int base, int limit, boolean big) {
        int attr = ATTR_P | ATTR_S | ATTR_WRITE_READ | ATTR_ACCESSED | (big ? ATTR_DB : 0);
        if (seg == CS) {
            attr |= ATTR_CODE;
        }
        setCache(seg, selector & 0xFFFF, base, limit, attr);
    }

    public int gdtBase() {
        return gdtBase;
    }

    public int gdtLimit() {
        return gdtLimit;
    }

    public int idtBase() {
        return idtBase;
    }

    public int idtLimit() {
        return idtLimit;
    }

    public boolean protectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    @Override
    public String id() {
        return "cpu";
    }

    @Override
    public Class<CpuState> stateType() {
        return CpuState.class;
    }

    @Override
    public CpuState snapshot() {
        return state();
    }

    /** The complete architectural state, with lazy flags folded into EFLAGS. */
    public CpuState state() {
        Integer[] r = new Integer[8];
        Integer[] d = new Integer[8];
        SegmentState[] segs = new SegmentState[6];
        for (int i = 0; i < 8; i++) {
            r[i] = regs[i];
            d[i] = dr[i];
        }
        for (int s = 0; s < 6; s++) {
            segs[s] = new SegmentState(segSel[s], segBase[s], segLimit[s], segAttr[s]);
        }
        return new CpuState(
                List.of(r),
                eip,
                materializedFlags(),
                List.of(segs),
                new SegmentState(ldtSel, ldtBase, ldtLimit, 0x8200),
                new SegmentState(trSel, trBase, trLimit, trAttr),
                gdtBase,
                gdtLimit,
                idtBase,
                idtLimit,
                cr0,
                cr2,
                cr3,
                cr4,
                List.of(d),
                cpl,
                tscOffset,
                sysenterCs,
                sysenterEsp,
                sysenterEip,
                x87.state(),
                halted,
                shutdown,
                nmiPending,
                nmiBlocked,
                interruptShadow);
    }

    /** Loads a state taken by {@link #state()}; clears any emulator failure. */
    @Override
    public void restore(CpuState st) {
        for (int i = 0; i < 8; i++) {
            regs[i] = st.registers().get(i);
            dr[i] = st.debugRegisters().get(i);
        }
        for (int s = 0; s < 6; s++) {
            SegmentState seg = st.segments().get(s);
            setCache(
                    s,
                    seg.selector() & 0xFFFF,
                    seg.base(),
                    seg.limit(),
                    seg.attributes() & 0x00F0FF00);
        }
        eip = st.eip();
        setEflags(st.eflags());
        ldtSel = st.ldtr().selector() & 0xFFFF;
        ldtBase = st.ldtr().base();
        ldtLimit = st.ldtr().limit();
        trSel = st.tr().selector() & 0xFFFF;
        trBase = st.tr().base();
        trLimit = st.tr().limit();
        trAttr = st.tr().attributes() & 0x00F0FF00;
        gdtBase = st.gdtBase();
        gdtLimit = st.gdtLimit();
        idtBase = st.idtBase();
        idtLimit = st.idtLimit();
        cr0 = st.cr0();
        cr2 = st.cr2();
        cr3 = st.cr3();
        cr4 = st.cr4();
        cpl = st.cpl();
        fetchMoved();
        flushTlb();
        tscOffset = st.tscOffset();
        sysenterCs = st.sysenterCs();
        sysenterEsp = st.sysenterEsp();
        sysenterEip = st.sysenterEip();
        x87.restore(st.fpu());
        halted = st.halted();
        shutdown = st.shutdown();
        nmiPending = st.nmiPending();
        nmiBlocked = st.nmiBlocked();
        interruptShadow = st.interruptShadow();
        failure = null;
        if (decoded != null) {
            decoded.clear();
        }
    }

    // ---------------------------------------------------------------- lazy flags

    private int materializedFlags() {
        if (lazyMask == 0) {
            return eflags;
        }
        int f = eflags & ~lazyMask;
        if ((lazyMask & CF) != 0 && lazyCf()) {
            f |= CF;
        }
        if ((lazyMask & PF) != 0) {
            f |= PARITY[lazyRes & 0xFF];
        }
        if ((lazyMask & AF) != 0 && lazyOp != OP_LOGIC && ((lazyA ^ lazyB ^ lazyRes) & 0x10) != 0) {
            f |= AF;
        }
        if ((lazyMask & ZF) != 0 && (lazyRes & MASK[lazySize]) == 0) {
            f |= ZF;
        }
        if ((lazyMask & SF) != 0 && (lazyRes & SIGN[lazySize]) != 0) {
            f |= SF;
        }
        if ((lazyMask & OF) != 0 && lazyOf()) {
            f |= OF;
        }
        eflags = f;
        lazyMask = 0;
        return f;
    }

    private boolean lazyCf() {
        int m = MASK[lazySize];
        int a = lazyA & m, b = lazyB & m, r = lazyRes & m;
        return switch (lazyOp) {
            case OP_ADD -> Integer.compareUnsigned(r, a) < 0;
            case OP_ADC ->
                    lazyCarry
                            ? Integer.compareUnsigned(r, a) <= 0
                            : Integer.compareUnsigned(r, a) < 0;
            case OP_SUB -> Integer.compareUnsigned(a, b) < 0;
            case OP_SBB ->
                    lazyCarry
                            ? Integer.compareUnsigned(a, b) <= 0
                            : Integer.compareUnsigned(a, b) < 0;
            default -> false;
        };
    }

    private boolean lazyOf() {
        int s = SIGN[lazySize];
        return switch (lazyOp) {
            case OP_ADD, OP_ADC, OP_INC -> ((lazyA ^ lazyRes) & (lazyB ^ lazyRes) & s) != 0;
            case OP_SUB, OP_SBB, OP_DEC -> ((lazyA ^ lazyB) & (lazyA ^ lazyRes) & s) != 0;
            default -> false;
        };
    }

    private boolean cf() {
        return ((lazyMask & CF) != 0) ? lazyCf() : (eflags & CF) != 0;
    }

    private boolean zf() {
        return ((lazyMask & ZF) != 0) ? (lazyRes & MASK[lazySize]) == 0 : (eflags & ZF) != 0;
    }

    private boolean sf() {
        return ((lazyMask & SF) != 0) ? (lazyRes & SIGN[lazySize]) != 0 : (eflags & SF) != 0;
    }

    private boolean of() {
        return ((lazyMask & OF) != 0) ? lazyOf() : (eflags & OF) != 0;
    }

    private boolean pf() {
        return ((lazyMask & PF) != 0) ? PARITY[lazyRes & 0xFF] != 0 : (eflags & PF) != 0;
    }

    private void setLazy(int op, int size, int a, int b, int res) {
        lazyOp = op;
        lazySize = size;
        lazyA = a;
        lazyB = b;
        lazyRes = res;
        lazyMask = ARITH;
    }

    /** Sets SF/ZF/PF from a result, clears AF, and sets CF and OF explicitly. */
    private void setResultFlags(int size, int res, boolean carry, boolean overflow) {
        setLazy(OP_LOGIC, size, 0, 0, res);
        lazyMask = SF | ZF | PF | AF;
        eflags = (eflags & ~(CF | OF)) | (carry ? CF : 0) | (overflow ? OF : 0);
    }

    private void setFlag(int flag, boolean on) {
        if (lazyMask != 0) {
            materializedFlags();
        }
        eflags = on ? eflags | flag : eflags & ~flag;
    }

    private boolean condition(int cc) {
        // After a 32-bit CMP, SUB, TEST or logic operation, whose flags are all still lazy, the
        // conditions but O and P are comparisons of its operands or result.
        if (lazyMask == ARITH && lazySize == D && cc >= 2 && (cc >> 1) != 5) {
            if (lazyOp == OP_SUB) {
                return compared(cc, lazyA, lazyB);
            }
            if (lazyOp == OP_LOGIC) {
                return tested(cc, lazyRes);
            }
        }
        return conditionOfFlags(cc);
    }

    /** Condition {@code cc} (not O or P) after a 32-bit {@code a - b}. */
    private static boolean compared(int cc, int a, int b) {
        boolean r =
                switch (cc >> 1) {
                    case 1 -> Integer.compareUnsigned(a, b) < 0; // CF
                    case 2 -> a == b; // ZF
                    case 3 -> Integer.compareUnsigned(a, b) <= 0; // CF or ZF
                    case 4 -> a - b < 0; // SF
                    case 6 -> a < b; // SF != OF
                    default -> a <= b; // ZF or SF != OF
                };
        return ((cc & 1) != 0) != r;
    }

    /** Condition {@code cc} (not O or P) after a 32-bit logic operation with result {@code v}. */
    private static boolean tested(int cc, int v) {
        boolean r =
                switch (cc >> 1) {
                    case 1 -> false; // CF is clear
                    case 2, 3 -> v == 0;
                    case 4, 6 -> v < 0; // OF is clear
                    default -> v <= 0;
                };
        return ((cc & 1) != 0) != r;
    }

    private boolean conditionOfFlags(int cc) {
        boolean r =
                switch (cc >> 1) {
                    case 0 -> of();
                    case 1 -> cf();
                    case 2 -> zf();
                    case 3 -> cf() || zf();
                    case 4 -> sf();
                    case 5 -> pf();
                    case 6 -> sf() != of();
                    default -> zf() || (sf() != of());
                };
        return ((cc & 1) != 0) != r;
    }

    // ---------------------------------------------------------------- faults

    private CpuFault gp(int code) {
        return fault.set(13, true, code);
    }

    private CpuFault ud() {
        return fault.set(6, false, 0);
    }

    private CpuFault exc(int vector, int code) {
        return fault.set(vector, true, code);
    }

    private CpuFault exc(int vector) {
        return fault.set(vector, false, 0);
    }

    private static boolean contributory(int v) {
        return v == 0 || (v >= 10 && v <= 13);
    }

    private void deliverException(int vector, boolean hasError, int code) {
        eip = startEip;
        halted = false;
        int v = vector;
        boolean he = hasError;
        int c = code;
        for (int depth = 0; ; depth++) {
            try {
                deliver(v, INT_EXCEPTION, he, c, eip);
                return;
            } catch (CpuFault second) {
                int v2 = second.vector;
                if (v == 8 || depth > 4) {
                    shutdown = true;
                    return;
                }
                boolean dbl =
                        (contributory(v) && contributory(v2))
                                || (v == 14 && (v2 == 14 || contributory(v2)));
                if (dbl) {
                    v = 8;
                    he = true;
                    c = 0;
                } else {
                    v = v2;
                    he = second.hasErrorCode;
                    c = second.errorCode;
                }
            }
        }
    }

    private void deliverExternal(int vector) {
        startEip = eip;
        try {
            deliver(vector, INT_HARDWARE, false, 0, eip);
        } catch (CpuFault f) {
            deliverException(f.vector, f.hasErrorCode, f.errorCode);
        }
    }

    // ---------------------------------------------------------------- memory access

    /** Checks an access against a segment's cache and returns its linear address. */
    private int linear(int seg, int off, int len) {
        return checkedLinear(seg, off, len, ACCESS_READ);
    }

    private static final int ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_FETCH = 2;

    /**
     * Checks an access against a segment's cache (presence, type in protected mode, limit with
     * expand-down data segments) and returns its linear address.
     */
    private int checkedLinear(int seg, int off, int len, int access) {
        if (segmentCovers(seg, off, len, access)) {
            return segBase[seg] + off;
        }
        return checkedLinearSlow(seg, off, len, access);
    }

    /**
     * For each access kind and segment register: the segment's limit when an access of that kind
     * passes every check but the limit ({@link #FAST_SEGMENT}), else -1, which no offset is within.
     * Kept by {@link #setCache}, through which every change of a segment cache goes.
     */
    private final long[] fastLimit = new long[3 << 3];

    /** The P, S, code, conforming/expand-down and read/write bits of a segment cache, as 0-31. */
    private static int typeIndex(int attr) {
        return ((attr >>> 9) & 0xF) | ((attr >>> 11) & 0x10);
    }

    /**
     * For each access kind and {@link #typeIndex}: whether a segment of that type passes every
     * check but the limit in any mode (present, the access allowed in protected mode, not expand-
     * down), so that only the limit is left to check.
     */
    private static final boolean[] FAST_SEGMENT = new boolean[3 << 5];

    static {
        for (int access = 0; access < 3; access++) {
            for (int t = 0; t < 32; t++) {
                boolean writable = (t & 1) != 0, conforming = (t & 2) != 0, code = (t & 4) != 0;
                boolean system = (t & 8) == 0, present = (t & 16) != 0;
                boolean typeOk =
                        switch (access) {
                            case ACCESS_WRITE -> !code && writable;
                            case ACCESS_READ -> !code || writable;
                            default -> true;
                        };
                FAST_SEGMENT[(access << 5) | t] =
                        present && !system && typeOk && (code || !conforming);
            }
        }
    }

    private int checkedLinearSlow(int seg, int off, int len, int access) {
        int attr = segAttr[seg];
        if ((cr0 & CR0_PE) != 0 && (eflags & VM) == 0) {
            if ((attr & ATTR_P) == 0) {
                throw seg == SS ? exc(12, 0) : gp(0);
            }
            boolean code = (attr & ATTR_CODE) != 0;
            if (access == ACCESS_WRITE
                    ? code || (attr & ATTR_WRITE_READ) == 0
                    : access == ACCESS_READ && code && (attr & ATTR_WRITE_READ) == 0) {
                throw seg == SS ? exc(12, 0) : gp(0);
            }
        }
        long first = off & 0xFFFFFFFFL;
        long last = first + (len - 1);
        long limit = segLimit[seg] & 0xFFFFFFFFL;
        boolean outside;
        if ((attr & (ATTR_S | ATTR_CODE | ATTR_CONFORMING)) == (ATTR_S | ATTR_CONFORMING)) {
            // Expand-down data segment: valid offsets lie above the limit.
            long upper = (attr & ATTR_DB) != 0 ? 0xFFFFFFFFL : 0xFFFFL;
            outside = first <= limit || last > upper;
        } else {
            outside = last > limit;
        }
        if (outside) {
            throw seg == SS ? exc(12, 0) : gp(0);
        }
        return segBase[seg] + off;
    }

    /** Translates a linear address through the page tables (Intel SDM vol. 3, 4.3). */
    private int physical(int lin, boolean write) {
        int phys = translate(lin, write);
        fillFast(lin, phys, write);
        return phys;
    }

    // Accesses that miss the fast path may reach a device, which may change its interrupt request.
    private int busRead8(int phys) {
        pollInterrupts = true;
        return memory.read8(phys);
    }

    private int busRead16(int phys) {
        pollInterrupts = true;
        return memory.read16(phys);
    }

    private int busRead32(int phys) {
        pollInterrupts = true;
        return memory.read32(phys);
    }

    private void busWrite8(int phys, int v) {
        pollInterrupts = true;
        memory.write8(phys, v);
    }

    private void busWrite16(int phys, int v) {
        pollInterrupts = true;
        memory.write16(phys, v);
    }

    private void busWrite32(int phys, int v) {
        pollInterrupts = true;
        memory.write32(phys, v);
    }

    /** Index of a linear address's fast-path slot for the current privilege. */
    private int fastIndex(int lin) {
        return ((lin >>> 12) & (TLB_SIZE - 1)) | (((cpl + 1) >> 2) << TLB_BITS);
    }

    /** Records a successful translation in the fast path when its page is plain RAM. */
    private void fillFast(int lin, int phys, boolean write) {
        long offset = memory.directPage(phys);
        if (offset < 0 || offset > ram.byteSize() - 0x1000) {
            return;
        }
        int i = fastIndex(lin);
        int tag = lin & 0xFFFFF000;
        if (fastReadTag[i] != tag || fastOffset[i] != offset) {
            fastWriteTag[i] = EMPTY_TAG;
        }
        fastReadTag[i] = tag;
        fastOffset[i] = offset;
        if (write) {
            fastWriteTag[i] = tag;
        }
    }

    private void flushFast() {
        Arrays.fill(fastReadTag, EMPTY_TAG);
        Arrays.fill(fastWriteTag, EMPTY_TAG);
        fetchLen = 0;
        fetchEnd = 0;
    }

    /** Flushes the fast path when the board changed which physical pages are plain RAM. */
    private void checkMapping() {
        int v = memory.mappingVersion();
        if (v != mappingVersion) {
            mappingVersion = v;
            flushFast();
        }
    }

    private int translate(int lin, boolean write) {
        if ((cr0 & CR0_PG) == 0) {
            return lin;
        }
        int page = lin >>> 12;
        int slot = page & (TLB_SIZE - 1);
        if (tlbPage[slot] == page + 1) {
            int bits = tlbBits[slot];
            boolean user = cpl == 3;
            boolean readOk = !user || (bits & TLB_USER) != 0;
            boolean writeOk =
                    (bits & TLB_DIRTY) != 0
                            && ((bits & TLB_WRITABLE) != 0 || (!user && (cr0 & CR0_WP) == 0));
            if (readOk && (!write || writeOk)) {
                return tlbFrame[slot] | (lin & 0xFFF);
            }
        }
        return walk(lin, write);
    }

    /**
     * Walks the two-level page tables, setting accessed and dirty bits, and caches the result in
     * the TLB (a write through a clean entry walks again to set the dirty bit).
     */
    private int walk(int lin, boolean write) {
        boolean user = cpl == 3;
        int pdeAddr = (cr3 & 0xFFFFF000) + ((lin >>> 22) << 2);
        int pde = busRead32(pdeAddr);
        if ((pde & 1) == 0) {
            throw pageFault(lin, false, write, user);
        }
        if ((pde & 0x80) != 0 && (cr4 & CR4_PSE) != 0) {
            checkPageAccess(lin, pde, pde, write, user);
            int upd = pde | 0x20 | (write ? 0x40 : 0);
            if (upd != pde) {
                busWrite32(pdeAddr, upd);
            }
            int frame = (pde & 0xFFC00000) | (lin & 0x3FF000);
            fillTlb(lin, frame, pde, upd);
            return frame | (lin & 0xFFF);
        }
        int pteAddr = (pde & 0xFFFFF000) + (((lin >>> 12) & 0x3FF) << 2);
        int pte = busRead32(pteAddr);
        if ((pte & 1) == 0) {
            throw pageFault(lin, false, write, user);
        }
        checkPageAccess(lin, pde, pte, write, user);
        if ((pde & 0x20) == 0) {
            busWrite32(pdeAddr, pde | 0x20);
        }
        int upd = pte | 0x20 | (write ? 0x40 : 0);
        if (upd != pte) {
            busWrite32(pteAddr, upd);
        }
        fillTlb(lin, pte & 0xFFFFF000, pde & pte, upd);
        return (pte & 0xFFFFF000) | (lin & 0xFFF);
    }

    private void fillTlb(int lin, int frame, int permissions, int entry) {
        int page = lin >>> 12;
        int slot = page & (TLB_SIZE - 1);
        tlbPage[slot] = page + 1;
        tlbFrame[slot] = frame;
        tlbBits[slot] =
                (byte)
                        (((permissions & 4) != 0 ? TLB_USER : 0)
                                | ((permissions & 2) != 0 ? TLB_WRITABLE : 0)
                                | ((entry & 0x40) != 0 ? TLB_DIRTY : 0));
    }

    private void flushTlb() {
        Arrays.fill(tlbPage, 0);
        flushFast();
    }

    private void flushTlbPage(int lin) {
        int page = lin >>> 12;
        int slot = page & (TLB_SIZE - 1);
        if (tlbPage[slot] == page + 1) {
            tlbPage[slot] = 0;
        }
        for (int i = slot; i < 2 * TLB_SIZE; i += TLB_SIZE) {
            fastReadTag[i] = EMPTY_TAG;
            fastWriteTag[i] = EMPTY_TAG;
        }
        fetchLen = 0;
        fetchEnd = 0;
    }

    private void checkPageAccess(int lin, int pde, int pte, boolean write, boolean user) {
        int both = pde & pte;
        if (user && (both & 4) == 0) {
            throw pageFault(lin, true, write, true);
        }
        if (write && (both & 2) == 0 && (user || (cr0 & CR0_WP) != 0)) {
            throw pageFault(lin, true, write, user);
        }
    }

    private CpuFault pageFault(int lin, boolean present, boolean write, boolean user) {
        cr2 = lin;
        return exc(14, (present ? 1 : 0) | (write ? 2 : 0) | (user ? 4 : 0));
    }

    private boolean paging() {
        return (cr0 & CR0_PG) != 0;
    }

    private int readLinear8(int lin) {
        int i = fastIndex(lin);
        if (fastReadTag[i] == (lin & 0xFFFFF000)) {
            return ram8(fastOffset[i] + (lin & 0xFFF)) & 0xFF;
        }
        return busRead8(physical(lin, false));
    }

    private int readLinear16(int lin) {
        int i = fastIndex(lin);
        if (fastReadTag[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) != 0xFFF) {
            return ram16(fastOffset[i] + (lin & 0xFFF)) & 0xFFFF;
        }
        return readLinear16Slow(lin);
    }

    private int readLinear16Slow(int lin) {
        if (paging() && (lin & 0xFFF) == 0xFFF) {
            return readLinear8(lin) | (readLinear8(lin + 1) << 8);
        }
        return busRead16(physical(lin, false));
    }

    private int readLinear32(int lin) {
        int i = fastIndex(lin);
        if (fastReadTag[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFC) {
            return ram32(fastOffset[i] + (lin & 0xFFF));
        }
        return readLinear32Slow(lin);
    }

    private int readLinear32Slow(int lin) {
        if (paging() && (lin & 0xFFF) > 0xFFC) {
            return readLinear16(lin) | (readLinear16(lin + 2) << 16);
        }
        return busRead32(physical(lin, false));
    }

    // Guest RAM at an offset the fast paths checked (HOST_MEMORY).
    private byte ram8(long offset) {
        return ramAddress != 0
                ? HOST_MEMORY.get(ValueLayout.JAVA_BYTE, ramAddress + offset)
                : ram.get(ValueLayout.JAVA_BYTE, offset);
    }

    private short ram16(long offset) {
        return ramAddress != 0 ? HOST_MEMORY.get(LE16, ramAddress + offset) : ram.get(LE16, offset);
    }

    private int ram32(long offset) {
        return ramAddress != 0 ? HOST_MEMORY.get(LE32, ramAddress + offset) : ram.get(LE32, offset);
    }

    private void setRam8(long offset, byte v) {
        if (ramAddress != 0) {
            HOST_MEMORY.set(ValueLayout.JAVA_BYTE, ramAddress + offset, v);
        } else {
            ram.set(ValueLayout.JAVA_BYTE, offset, v);
        }
    }

    private void setRam16(long offset, short v) {
        if (ramAddress != 0) {
            HOST_MEMORY.set(LE16, ramAddress + offset, v);
        } else {
            ram.set(LE16, offset, v);
        }
    }

    private void setRam32(long offset, int v) {
        if (ramAddress != 0) {
            HOST_MEMORY.set(LE32, ramAddress + offset, v);
        } else {
            ram.set(LE32, offset, v);
        }
    }

    private void writeLinear8(int lin, int v) {
        int i = fastIndex(lin);
        if (fastWriteTag[i] == (lin & 0xFFFFF000)) {
            long o = fastOffset[i] + (lin & 0xFFF);
            setRam8(o, (byte) v);
            noteWrite(o);
            return;
        }
        busWrite8(physical(lin, true), v);
    }

    private void writeLinear16(int lin, int v) {
        int i = fastIndex(lin);
        if (fastWriteTag[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) != 0xFFF) {
            long o = fastOffset[i] + (lin & 0xFFF);
            setRam16(o, (short) v);
            noteWrite(o);
            return;
        }
        writeLinear16Slow(lin, v);
    }

    /**
     * Notes a store into guest RAM (inside one 4 KiB page): for the write tracking, and whether it
     * went into the code of the running block of decoded instructions.
     */
    private void noteWrite(long offset) {
        if (Long.compareUnsigned(offset - codeLow, codeSpan) < 0) {
            pollInterrupts = true;
        }
        if (codeWatch != null) {
            codeWatch.stored(offset);
        }
    }

    /** {@link #noteWrite} for {@code bytes} stored from {@code offset}, inside one page. */
    private void noteWrites(long offset, int bytes) {
        if (inBlockCode(offset, bytes)) {
            pollInterrupts = true;
        }
        if (codeWatch != null) {
            codeWatch.stored(offset);
        }
    }

    /**
     * Whether any of {@code bytes} from RAM offset {@code offset} lies in the running block's code.
     */
    private boolean inBlockCode(long offset, int bytes) {
        return codeSpan != 0 && offset < codeLow + codeSpan && offset + bytes > codeLow;
    }

    private void writeLinear16Slow(int lin, int v) {
        if (paging() && (lin & 0xFFF) == 0xFFF) {
            // Translate both pages before writing so a fault leaves memory untouched.
            int p0 = physical(lin, true), p1 = physical(lin + 1, true);
            busWrite8(p0, v);
            busWrite8(p1, v >>> 8);
            return;
        }
        busWrite16(physical(lin, true), v);
    }

    private void writeLinear32(int lin, int v) {
        int i = fastIndex(lin);
        if (fastWriteTag[i] == (lin & 0xFFFFF000) && (lin & 0xFFF) <= 0xFFC) {
            long o = fastOffset[i] + (lin & 0xFFF);
            setRam32(o, v);
            noteWrite(o);
            return;
        }
        writeLinear32Slow(lin, v);
    }

    private void writeLinear32Slow(int lin, int v) {
        if (paging() && (lin & 0xFFF) > 0xFFC) {
            physical(lin + 3, true);
            for (int k = 0; k < 4; k++) {
                busWrite8(physical(lin + k, true), v >>> (8 * k));
            }
            return;
        }
        busWrite32(physical(lin, true), v);
    }

    private int read8(int seg, int off) {
        return readLinear8(linear(seg, off, 1));
    }

    private int read16(int seg, int off) {
        return readLinear16(linear(seg, off, 2));
    }

    private int read32(int seg, int off) {
        return readLinear32(linear(seg, off, 4));
    }

    private void write8(int seg, int off, int v) {
        writeLinear8(checkedLinear(seg, off, 1, ACCESS_WRITE), v);
    }

    private void write16(int seg, int off, int v) {
        writeLinear16(checkedLinear(seg, off, 2, ACCESS_WRITE), v);
    }

    private void write32(int seg, int off, int v) {
        writeLinear32(checkedLinear(seg, off, 4, ACCESS_WRITE), v);
    }

    private int readMem(int size, int seg, int off) {
        return switch (size) {
            case B -> read8(seg, off);
            case W -> read16(seg, off);
            default -> read32(seg, off);
        };
    }

    private void writeMem(int size, int seg, int off, int v) {
        switch (size) {
            case B -> write8(seg, off, v);
            case W -> write16(seg, off, v);
            default -> write32(seg, off, v);
        }
    }

    /** System-table reads (GDT, IDT, TSS) use linear addresses at privilege 0. */
    private int readSystem32(int lin) {
        int saved = cpl;
        cpl = 0;
        fetchMoved();
        try {
            return readLinear32(lin);
        } finally {
            cpl = saved;
            fetchMoved();
        }
    }

    private int readSystem16(int lin) {
        int saved = cpl;
        cpl = 0;
        fetchMoved();
        try {
            return readLinear16(lin);
        } finally {
            cpl = saved;
            fetchMoved();
        }
    }

    // An instruction longer than 15 bytes raises #GP(0) before it runs (SDM vol. 2, 2.3.11).
    private int fetch8() {
        int d = eip - fetchStart;
        return Integer.compareUnsigned(d, fetchEnd) < 0 ? fetchWindow8(d) : fetch8Slow();
    }

    /** Fetches the byte {@code d} bytes into the fetch window (small enough to inline). */
    private int fetchWindow8(int d) {
        eip++;
        return ram8(fetchOffset + d) & 0xFF;
    }

    private int fetch8Slow() {
        if (eip - startEip >= 15) {
            throw gp(0);
        }
        int lin = checkedLinear(CS, eip, 1, ACCESS_FETCH);
        int v = readLinear8(lin);
        openFetchWindow(lin);
        eip++;
        return v;
    }

    /**
     * Closes the fetch window after a change to CS's base or limit or to the privilege level (the
     * window was checked against them when it opened); every assignment to them is followed by this
     * call.
     */
    private void fetchMoved() {
        fetchLen = 0;
        fetchEnd = 0;
    }

    /** Lets this instruction fetch from the window up to its 15-byte limit. */
    private void limitFetch() {
        long left = (startEip & 0xFFFFFFFFL) + 15 - (fetchStart & 0xFFFFFFFFL);
        fetchEnd = (int) Math.max(0, Math.min(fetchLen, left));
    }

    /**
     * After a fetch at {@code lin} (the linear address of EIP) went through the full checks, lets
     * the rest of its page, up to CS's limit, be fetched directly when the page is plain RAM.
     */
    private void openFetchWindow(int lin) {
        int i = fastIndex(lin);
        if (fastReadTag[i] != (lin & 0xFFFFF000)) {
            return;
        }
        long e = eip & 0xFFFFFFFFL;
        long pageEip = e - (lin & 0xFFF);
        long start = Math.max(0, pageEip);
        long end = Math.min(pageEip + 0x1000, (segLimit[CS] & 0xFFFFFFFFL) + 1);
        if (end <= e) {
            return;
        }
        fetchStart = (int) start;
        fetchLen = (int) (end - start);
        fetchOffset = fastOffset[i] + (lin & 0xFFF) - (e - start);
        limitFetch();
    }

    private int fetch16() {
        int d = eip - fetchStart;
        if (d >= 0 && d <= fetchEnd - 2) {
            eip += 2;
            return ram16(fetchOffset + d) & 0xFFFF;
        }
        return fetch16Slow();
    }

    private int fetch16Slow() {
        if (eip - startEip > 13) {
            throw gp(0);
        }
        int v = readLinear16(checkedLinear(CS, eip, 2, ACCESS_FETCH));
        eip += 2;
        return v;
    }

    private int fetch32() {
        int d = eip - fetchStart;
        if (d >= 0 && d <= fetchEnd - 4) {
            eip += 4;
            return ram32(fetchOffset + d);
        }
        return fetch32Slow();
    }

    private int fetch32Slow() {
        if (eip - startEip > 11) {
            throw gp(0);
        }
        int v = readLinear32(checkedLinear(CS, eip, 4, ACCESS_FETCH));
        eip += 4;
        return v;
    }

    private int fetchImm(int size) {
        return switch (size) {
            case B -> fetch8();
            case W -> fetch16();
            default -> fetch32();
        };
    }

    // ---------------------------------------------------------------- registers

    // The 32-bit forms are the common case; keeping these bodies tiny lets HotSpot inline them
    // even at the many cold call sites of the opcode switch.
    private int getReg(int size, int r) {
        return size == D ? regs[r] : getRegNarrow(size, r);
    }

    private int getRegNarrow(int size, int r) {
        return switch (size) {
            case B -> r < 4 ? regs[r] & 0xFF : (regs[r - 4] >>> 8) & 0xFF;
            case W -> regs[r] & 0xFFFF;
            default -> regs[r];
        };
    }

    private void setReg(int size, int r, int v) {
        if (size == D) {
            regs[r] = v;
        } else {
            setRegNarrow(size, r, v);
        }
    }

    private void setRegNarrow(int size, int r, int v) {
        switch (size) {
            case B -> {
                if (r < 4) {
                    regs[r] = (regs[r] & 0xFFFFFF00) | (v & 0xFF);
                } else {
                    regs[r - 4] = (regs[r - 4] & 0xFFFF00FF) | ((v & 0xFF) << 8);
                }
            }
            case W -> regs[r] = (regs[r] & 0xFFFF0000) | (v & 0xFFFF);
            default -> regs[r] = v;
        }
    }

    private int osize() {
        return op32 ? D : W;
    }

    // ---------------------------------------------------------------- ModRM

    private void decodeModrm() {
        int b = fetch8();
        mod = b >>> 6;
        reg = (b >> 3) & 7;
        rm = b & 7;
        if (b < 0xC0) {
            if (addr32) {
                address32(b);
            } else {
                address16(b);
            }
        }
    }

    /** The effective address of a memory ModRM operand with 32-bit addressing (SIB, disp). */
    private void address32(int b) {
        int mod = b >>> 6, rm = b & 7;
        int seg = DS;
        int off;
        if (rm == 4) {
            int sib = fetch8();
            int base = sib & 7;
            int index = (sib >> 3) & 7;
            if (base == 5 && mod == 0) {
                off = fetch32();
            } else {
                off = regs[base];
                if (base == ESP || base == EBP) {
                    seg = SS;
                }
            }
            if (index != 4) {
                off += regs[index] << (sib >>> 6);
            }
        } else if (rm == 5 && mod == 0) {
            off = fetch32();
        } else {
            off = regs[rm];
            if (rm == EBP) {
                seg = SS;
            }
        }
        if (mod == 1) {
            off += (byte) fetch8();
        } else if (mod == 2) {
            off += fetch32();
        }
        eaOff = off;
        eaSeg = segOverride >= 0 ? segOverride : seg;
    }

    /** The effective address of a memory ModRM operand with 16-bit addressing. */
    private void address16(int b) {
        int mod = b >>> 6, rm = b & 7;
        int seg = DS;
        int off;
        switch (rm) {
            case 0 -> off = regs[EBX] + regs[ESI];
            case 1 -> off = regs[EBX] + regs[EDI];
            case 2 -> {
                off = regs[EBP] + regs[ESI];
                seg = SS;
            }
            case 3 -> {
                off = regs[EBP] + regs[EDI];
                seg = SS;
            }
            case 4 -> off = regs[ESI];
            case 5 -> off = regs[EDI];
            case 6 -> {
                if (mod == 0) {
                    off = fetch16();
                } else {
                    off = regs[EBP];
                    seg = SS;
                }
            }
            default -> off = regs[EBX];
        }
        if (mod == 1) {
            off += (byte) fetch8();
        } else if (mod == 2) {
            off += fetch16();
        }
        eaOff = off & 0xFFFF;
        eaSeg = segOverride >= 0 ? segOverride : seg;
    }

    private int readRm(int size) {
        return mod == 3 ? getReg(size, rm) : readMem(size, eaSeg, eaOff);
    }

    /**
     * The read half of a read-modify-write operand, checked as a write before anything changes: a
     * destination the instruction may not write faults with the flags still as they were, as on the
     * real CPU (SDM vol. 3, 6.6: faults restore the state before the instruction).
     */
    private int readRmForWrite(int size) {
        return mod == 3 ? getReg(size, rm) : readMemForWrite(size, eaSeg, eaOff);
    }

    private int readMemForWrite(int size, int seg, int off) {
        int lin = checkedLinear(seg, off, BYTES[size], ACCESS_WRITE);
        int last = lin + BYTES[size] - 1;
        // A page in the fast path's write tags is known writable at this privilege: no walk.
        if (paging()
                && (fastWriteTag[fastIndex(lin)] != (lin & 0xFFFFF000)
                        || (last & 0xFFFFF000) != (lin & 0xFFFFF000))) {
            physical(lin, true);
            physical(last, true);
        }
        return switch (size) {
            case B -> readLinear8(lin);
            case W -> readLinear16(lin);
            default -> readLinear32(lin);
        };
    }

    private void writeRm(int size, int v) {
        if (mod == 3) {
            setReg(size, rm, v);
        } else {
            writeEa(size, v);
        }
    }

    private void writeEa(int size, int v) {
        writeMem(size, eaSeg, eaOff, v);
    }

    private void requireMemory() {
        if (mod == 3) {
            throw ud();
        }
    }

    private int dataSeg() {
        return segOverride >= 0 ? segOverride : DS;
    }

    // ---------------------------------------------------------------- stack

    private boolean stack32() {
        return (segAttr[SS] & ATTR_DB) != 0;
    }

    private void push(int size, int v) {
        int n = BYTES[size];
        if (stack32()) {
            int sp = regs[ESP] - n;
            writeMem(size, SS, sp, v);
            regs[ESP] = sp;
        } else {
            int sp = (regs[ESP] - n) & 0xFFFF;
            writeMem(size, SS, sp, v);
            regs[ESP] = (regs[ESP] & 0xFFFF0000) | sp;
        }
    }

    /**
     * PUSH of a segment register with a 32-bit operand size moves the stack pointer by 4 but, as
     * recent Intel processors do (SDM vol. 2, PUSH), writes only the 16-bit selector, leaving the
     * upper half of the slot as it was.
     */
    private void pushSegment(int size, int selector) {
        if (size != D) {
            push(size, selector);
            return;
        }
        int sp = stack32() ? regs[ESP] - 4 : (regs[ESP] - 4) & 0xFFFF;
        writeMem(W, SS, sp, selector);
        regs[ESP] = stack32() ? sp : (regs[ESP] & 0xFFFF0000) | sp;
    }

    private int pop(int size) {
        int v = peek(size, 0);
        adjustSp(BYTES[size]);
        return v;
    }

    private int peek(int size, int offset) {
        int sp = stack32() ? regs[ESP] + offset : (regs[ESP] + offset) & 0xFFFF;
        return readMem(size, SS, sp);
    }

    private void adjustSp(int n) {
        if (stack32()) {
            regs[ESP] += n;
        } else {
            regs[ESP] = (regs[ESP] & 0xFFFF0000) | ((regs[ESP] + n) & 0xFFFF);
        }
    }

    // ---------------------------------------------------------------- ALU

    private int alu(int op, int size, int a, int b) {
        int m = MASK[size];
        a &= m;
        b &= m;
        int r;
        switch (op) {
            case 0 -> {
                r = (a + b) & m;
                setLazy(OP_ADD, size, a, b, r);
            }
            case 1 -> {
                r = a | b;
                setLazy(OP_LOGIC, size, a, b, r);
            }
            case 2 -> {
                boolean c = cf();
                r = (a + b + (c ? 1 : 0)) & m;
                setLazy(OP_ADC, size, a, b, r);
                lazyCarry = c;
            }
            case 3 -> {
                boolean c = cf();
                r = (a - b - (c ? 1 : 0)) & m;
                setLazy(OP_SBB, size, a, b, r);
                lazyCarry = c;
            }
            case 4 -> {
                r = a & b;
                setLazy(OP_LOGIC, size, a, b, r);
            }
            case 5, 7 -> {
                r = (a - b) & m;
                setLazy(OP_SUB, size, a, b, r);
            }
            default -> {
                r = a ^ b;
                setLazy(OP_LOGIC, size, a, b, r);
            }
        }
        return r;
    }

    private int incDec(int size, int a, boolean dec) {
        boolean c = cf();
        int m = MASK[size];
        a &= m;
        int r = (dec ? a - 1 : a + 1) & m;
        setLazy(dec ? OP_DEC : OP_INC, size, a, 1, r);
        lazyMask = ARITH & ~CF;
        eflags = (eflags & ~CF) | (c ? CF : 0);
        return r;
    }

    private int shift(int op, int size, int a, int count) {
        count &= 31;
        if (count == 0) {
            return a & MASK[size];
        }
        int bits = 8 << size;
        int m = MASK[size];
        int s = SIGN[size];
        a &= m;
        int r;
        switch (op) {
            case 0 -> { // ROL
                int n = count % bits;
                r = n == 0 ? a : ((a << n) | (a >>> (bits - n))) & m;
                boolean c = (r & 1) != 0;
                setCfOf(c, ((r & s) != 0) != c);
            }
            case 1 -> { // ROR
                int n = count % bits;
                r = n == 0 ? a : ((a >>> n) | (a << (bits - n))) & m;
                boolean top = (r & s) != 0;
                setCfOf(top, top != ((r & (s >>> 1)) != 0));
            }
            case 2 -> { // RCL
                int n = count % (bits + 1);
                long wide = (a & 0xFFFFFFFFL) | (cf() ? 1L << bits : 0);
                for (int i = 0; i < n; i++) {
                    wide = ((wide << 1) | (wide >>> bits)) & ((1L << (bits + 1)) - 1);
                }
                r = (int) wide & m;
                boolean c = ((wide >>> bits) & 1) != 0;
                setCfOf(c, ((r & s) != 0) != c);
            }
            case 3 -> { // RCR
                int n = count % (bits + 1);
                boolean c0 = cf();
                long wide = (a & 0xFFFFFFFFL) | (c0 ? 1L << bits : 0);
                for (int i = 0; i < n; i++) {
                    wide = ((wide >>> 1) | ((wide & 1) << bits));
                }
                r = (int) wide & m;
                boolean c = ((wide >>> bits) & 1) != 0;
                setCfOf(c, ((r & s) != 0) != ((r & (s >>> 1)) != 0));
            }
            case 4, 6 -> { // SHL/SAL
                long wide = (a & 0xFFFFFFFFL) << count;
                r = (int) wide & m;
                boolean c = ((wide >>> bits) & 1) != 0;
                setResultFlags(size, r, c, ((r & s) != 0) != c);
            }
            case 5 -> { // SHR
                boolean c = (((a & 0xFFFFFFFFL) >>> (count - 1)) & 1) != 0;
                r = (int) ((a & 0xFFFFFFFFL) >>> count) & m;
                setResultFlags(size, r, c, (a & s) != 0);
            }
            default -> { // SAR
                int sa = size == B ? (byte) a : size == W ? (short) a : a;
                boolean c = ((sa >> Math.min(count - 1, 31)) & 1) != 0;
                r = (sa >> Math.min(count, 31)) & m;
                setResultFlags(size, r, c, false);
            }
        }
        return r;
    }

    /** A decoded shift or rotate of a 32-bit register or memory operand. */
    private void shiftRm32(long word, long operands) {
        next(word);
        int imm = imm(operands), op = reg(word);
        boolean register = registerForm(word);
        int seg = 0, off = 0, a;
        if (register) {
            a = regs[rm(word)];
        } else {
            seg = seg(word);
            off = ea(word, operands);
            a = readMemForWrite(D, seg, off); // checked as a write even for a count of 0
        }
        int count = (imm < 0 ? regs[ECX] : imm) & 31;
        if (count == 0) {
            return;
        }
        int r = op == 2 || op == 3 ? shift(op, D, a, count) : shift32(op, a, count);
        if (register) {
            regs[rm(word)] = r;
        } else {
            write32(seg, off, r);
        }
    }

    /**
     * {@link #shift} for 32-bit operands, a count of 1 to 31 and every operation but RCL and RCR:
     * the same results and flags, without looking at the size.
     */
    private int shift32(int op, int a, int count) {
        int r;
        switch (op) {
            case 0 -> { // ROL
                r = Integer.rotateLeft(a, count);
                boolean c = (r & 1) != 0;
                setCfOf(c, (r < 0) != c);
            }
            case 1 -> { // ROR
                r = Integer.rotateRight(a, count);
                boolean top = r < 0;
                setCfOf(top, top != ((r & 0x40000000) != 0));
            }
            case 4, 6 -> { // SHL/SAL
                r = a << count;
                boolean c = ((a >>> (32 - count)) & 1) != 0;
                setResultFlags(D, r, c, (r < 0) != c);
            }
            case 5 -> { // SHR
                r = a >>> count;
                setResultFlags(D, r, ((a >>> (count - 1)) & 1) != 0, a < 0);
            }
            default -> { // SAR
                r = a >> count;
                setResultFlags(D, r, ((a >> (count - 1)) & 1) != 0, false);
            }
        }
        return r;
    }

    /**
     * Sets CF and OF, leaving the other flags as they are: those still lazy stay lazy, since none
     * of them is computed from CF or OF.
     */
    private void setCfOf(boolean c, boolean o) {
        lazyMask &= ~(CF | OF);
        eflags = (eflags & ~(CF | OF)) | (c ? CF : 0) | (o ? OF : 0);
    }

    private int doubleShift(boolean left, int size, int dst, int src, int count) {
        count &= 31;
        int m = MASK[size];
        dst &= m;
        src &= m;
        if (count == 0) {
            return dst;
        }
        int bits = 8 << size;
        long d = dst & 0xFFFFFFFFL, sv = src & 0xFFFFFFFFL;
        int r;
        boolean c;
        if (left) {
            long t = (d << bits) | sv;
            r = (int) ((t << count) >>> bits) & m;
            if (size == D) {
                r = (int) ((t << count) >>> 32);
            }
            c = count <= bits && ((d >>> (bits - count)) & 1) != 0;
        } else {
            long t = (sv << bits) | d;
            r = (int) (t >>> count) & m;
            c = ((d >>> (count - 1)) & 1) != 0;
        }
        int s = SIGN[size];
        setResultFlags(size, r, c, ((r ^ dst) & s) != 0);
        return r;
    }

    // ---------------------------------------------------------------- segments

    private boolean realMode() {
        return (cr0 & CR0_PE) == 0;
    }

    private boolean v86() {
        return (eflags & VM) != 0;
    }

    private int descLo, descHi;

    /** Reads the descriptor a selector names into descLo/descHi, or raises #GP(selector). */
    private void readDescriptor(int sel) {
        int index = sel & 0xFFF8;
        int base, limit;
        if ((sel & 4) != 0) {
            base = ldtBase;
            limit = ldtLimit;
        } else {
            base = gdtBase;
            limit = gdtLimit;
        }
        if (index + 7 > (limit & 0xFFFFFFFFL)) {
            throw gp(sel & 0xFFFC);
        }
        descLo = readSystem32(base + index);
        descHi = readSystem32(base + index + 4);
    }

    private void markAccessed(int sel) {
        if ((descHi & ATTR_ACCESSED) == 0) {
            int base = (sel & 4) != 0 ? ldtBase : gdtBase;
            int lin = base + (sel & 0xFFF8) + 4;
            int saved = cpl;
            cpl = 0;
            fetchMoved();
            try {
                writeLinear32(lin, descHi | ATTR_ACCESSED);
            } finally {
                cpl = saved;
                fetchMoved();
            }
            descHi |= ATTR_ACCESSED;
        }
    }

    private static int descBase(int lo, int hi) {
        return (lo >>> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
    }

    private static int descLimit(int lo, int hi) {
        int limit = (lo & 0xFFFF) | (hi & 0xF0000);
        return (hi & ATTR_G) != 0 ? (limit << 12) | 0xFFF : limit;
    }

    private void loadCache(int seg, int sel) {
        setCache(
                seg,
                sel & 0xFFFF,
                descBase(descLo, descHi),
                descLimit(descLo, descHi),
                descHi & 0x00F0FF00);
    }

    /**
     * Sets a segment cache: selector, base, limit and attributes, and what is derived from them
     * (the fetch window moves; the fast paths' bound, {@link #fastLimit}).
     */
    private void setCache(int seg, int sel, int base, int limit, int attr) {
        segSel[seg] = sel;
        segBase[seg] = base;
        segLimit[seg] = limit;
        segAttr[seg] = attr;
        fetchMoved();
        int t = typeIndex(attr);
        long bound = limit & 0xFFFFFFFFL;
        for (int access = 0; access < 3; access++) {
            fastLimit[(access << 3) | seg] = FAST_SEGMENT[(access << 5) | t] ? bound : -1;
        }
    }

    /** MOV/POP/LxS to a data or stack segment register (SDM vol. 2, MOV: protected-mode checks). */
    private void loadSegment(int seg, int sel) {
        sel &= 0xFFFF;
        if (realMode() || v86()) {
            if (v86()) {
                int attr = ATTR_P | ATTR_S | ATTR_WRITE_READ | ATTR_ACCESSED | (3 << 13);
                setCache(seg, sel, sel << 4, 0xFFFF, attr);
            } else {
                // Real mode keeps the limit and attributes (so "unreal" mode works).
                segSel[seg] = sel;
                segBase[seg] = sel << 4;
                fetchMoved();
            }
            return;
        }
        int rpl = sel & 3;
        if ((sel & 0xFFFC) == 0) {
            if (seg == SS) {
                throw gp(0);
            }
            setCache(seg, sel, 0, 0, 0);
            return;
        }
        readDescriptor(sel);
        int attr = descHi;
        int dpl = (attr >> 13) & 3;
        if ((attr & ATTR_S) == 0) {
            throw gp(sel & 0xFFFC);
        }
        boolean code = (attr & ATTR_CODE) != 0;
        if (seg == SS) {
            if (code || (attr & ATTR_WRITE_READ) == 0 || rpl != cpl || dpl != cpl) {
                throw gp(sel & 0xFFFC);
            }
            if ((attr & ATTR_P) == 0) {
                throw exc(12, sel & 0xFFFC);
            }
        } else {
            if (code && (attr & ATTR_WRITE_READ) == 0) {
                throw gp(sel & 0xFFFC);
            }
            if ((!code || (attr & ATTR_CONFORMING) == 0) && dpl < Math.max(cpl, rpl)) {
                throw gp(sel & 0xFFFC);
            }
            if ((attr & ATTR_P) == 0) {
                throw exc(11, sel & 0xFFFC);
            }
        }
        markAccessed(sel);
        loadCache(seg, sel);
    }

    /** Loads CS for a far transfer to {@code sel:off}; {@code call} pushes the return address. */
    private void farTransfer(int sel, int off, boolean call, int size) {
        sel &= 0xFFFF;
        if (realMode() || v86()) {
            if (call) {
                push(size, segSel[CS]);
                push(size, eip);
            }
            segSel[CS] = sel;
            segBase[CS] = sel << 4;
            fetchMoved();
            eip = size == W ? off & 0xFFFF : off;
            return;
        }
        if ((sel & 0xFFFC) == 0) {
            throw gp(0);
        }
        readDescriptor(sel);
        int attr = descHi;
        int type = (attr >> 8) & 0x1F;
        if (type == 0x04 || type == 0x0C) {
            callGate(sel, call);
            return;
        }
        if (type == 0x05 || type == 0x09) {
            // Task gate or available 32-bit TSS: DPL >= max(CPL, RPL), then switch tasks.
            int dplT = (attr >> 13) & 3;
            if (dplT < cpl || dplT < (sel & 3)) {
                throw gp(sel & 0xFFFC);
            }
            if ((attr & ATTR_P) == 0) {
                throw exc(11, sel & 0xFFFC);
            }
            int tss = type == 0x05 ? descLo >>> 16 : sel;
            taskSwitch(tss, call ? TASK_CALL : TASK_JMP, eip, false, 0);
            return;
        }
        if ((attr & ATTR_S) == 0 || (attr & ATTR_CODE) == 0) {
            throw gp(sel & 0xFFFC);
        }
        int dpl = (attr >> 13) & 3;
        int rpl = sel & 3;
        if ((attr & ATTR_CONFORMING) != 0) {
            if (dpl > cpl) {
                throw gp(sel & 0xFFFC);
            }
        } else if (rpl > cpl || dpl != cpl) {
            throw gp(sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw exc(11, sel & 0xFFFC);
        }
        int newOff = size == W ? off & 0xFFFF : off;
        if ((newOff & 0xFFFFFFFFL) > (descLimit(descLo, descHi) & 0xFFFFFFFFL)) {
            throw gp(0);
        }
        int lo = descLo, hi = descHi;
        if (call) {
            push(size, segSel[CS]);
            push(size, eip);
        }
        descLo = lo;
        descHi = hi;
        markAccessed(sel);
        loadCache(CS, (sel & 0xFFFC) | cpl);
        eip = newOff;
    }

    /**
     * Far CALL/JMP through a call gate (SDM vol. 3, 5.8.4-5.8.6): CALL to a more privileged
     * non-conforming segment switches to the TSS stack of that ring and copies the gate's parameter
     * count of stack entries; JMP never changes privilege.
     */
    private void callGate(int gateSel, boolean call) {
        int glo = descLo, ghi = descHi;
        int gateDpl = (ghi >> 13) & 3;
        if (gateDpl < cpl || gateDpl < (gateSel & 3)) {
            throw gp(gateSel & 0xFFFC);
        }
        if ((ghi & ATTR_P) == 0) {
            throw exc(11, gateSel & 0xFFFC);
        }
        boolean gate32 = (ghi & 0x800) != 0;
        int size = gate32 ? D : W;
        int sel = glo >>> 16;
        int off = gate32 ? (ghi & 0xFFFF0000) | (glo & 0xFFFF) : glo & 0xFFFF;
        int params = ghi & 0x1F;
        if ((sel & 0xFFFC) == 0) {
            throw gp(0);
        }
        readDescriptor(sel);
        int attr = descHi;
        int dpl = (attr >> 13) & 3;
        boolean conforming = (attr & ATTR_CONFORMING) != 0;
        if ((attr & ATTR_S) == 0 || (attr & ATTR_CODE) == 0 || dpl > cpl) {
            throw gp(sel & 0xFFFC);
        }
        if (!call && !conforming && dpl != cpl) {
            throw gp(sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw exc(11, sel & 0xFFFC);
        }
        int clo = descLo, chi = descHi;
        int returnCs = segSel[CS], returnEip = eip;
        if (call && !conforming && dpl < cpl) {
            int newSs, newEsp;
            if ((trAttr & 0x800) != 0) {
                newEsp = readSystem32(trBase + 4 + dpl * 8);
                newSs = readSystem32(trBase + 8 + dpl * 8) & 0xFFFF;
            } else {
                newEsp = readSystem16(trBase + 2 + dpl * 4);
                newSs = readSystem16(trBase + 4 + dpl * 4);
            }
            // Read the parameters from the caller's stack before leaving it (at most 31).
            int[] copied = new int[params];
            for (int i = 0; i < params; i++) {
                copied[i] = peek(size, i * BYTES[size]);
            }
            int oldSs = segSel[SS], oldEsp = regs[ESP];
            int oldCpl = cpl;
            int oldBase = segBase[SS], oldLimit = segLimit[SS], oldAttr = segAttr[SS];
            cpl = dpl;
            fetchMoved();
            try {
                loadSegment(SS, newSs);
            } catch (CpuFault f) {
                cpl = oldCpl;
                fetchMoved();
                throw exc(10, newSs & 0xFFFC);
            }
            regs[ESP] = newEsp;
            try {
                push(size, oldSs);
                push(size, oldEsp);
                for (int i = params - 1; i >= 0; i--) {
                    push(size, copied[i]);
                }
                push(size, returnCs);
                push(size, returnEip);
            } catch (CpuFault f) {
                cpl = oldCpl;
                fetchMoved();
                setCache(SS, oldSs, oldBase, oldLimit, oldAttr);
                regs[ESP] = oldEsp;
                throw f;
            }
        } else if (call) {
            push(size, returnCs);
            push(size, returnEip);
        }
        descLo = clo;
        descHi = chi;
        markAccessed(sel);
        int newCpl = conforming ? cpl : dpl;
        cpl = newCpl;
        fetchMoved();
        loadCache(CS, (sel & 0xFFFC) | newCpl);
        eip = size == W ? off & 0xFFFF : off;
    }

    private static final int TASK_JMP = 0, TASK_CALL = 1, TASK_IRET = 2;

    private void writeSystem32(int lin, int v) {
        int saved = cpl;
        cpl = 0;
        fetchMoved();
        try {
            writeLinear32(lin, v);
        } finally {
            cpl = saved;
            fetchMoved();
        }
    }

    /**
     * Hardware task switch to the 32-bit TSS {@code sel} (SDM vol. 3, 7.3): saves the current task
     * in its TSS, loads the new one (CR3 when paging, LDTR, EFLAGS, EIP, registers, segments),
     * maintains busy bits, the back link and NT, and sets CR0.TS. 16-bit TSSs are not modelled.
     */
    private void taskSwitch(int sel, int source, int returnEip, boolean hasError, int errorCode) {
        if ((sel & 4) != 0 || (sel & 0xFFFC) == 0) {
            throw source == TASK_IRET ? exc(10, sel & 0xFFFC) : gp(sel & 0xFFFC);
        }
        readDescriptor(sel);
        int lo = descLo, hi = descHi;
        int type = (hi >> 8) & 0x1F;
        if (source == TASK_IRET ? type != 0x0B : type != 0x09) {
            throw source == TASK_IRET ? exc(10, sel & 0xFFFC) : gp(sel & 0xFFFC);
        }
        if ((hi & ATTR_P) == 0) {
            throw exc(11, sel & 0xFFFC);
        }
        int newBase = descBase(lo, hi);
        int newLimit = descLimit(lo, hi);
        if ((newLimit & 0xFFFFFFFFL) < 0x67 || (trAttr & 0x800) == 0) {
            throw exc(10, sel & 0xFFFC);
        }
        // Read the whole new state before changing anything, so a fault leaves the old task intact.
        int newCr3 = readSystem32(newBase + 0x1C);
        int newEip = readSystem32(newBase + 0x20);
        int newFlags = readSystem32(newBase + 0x24);
        int[] newRegs = new int[8];
        for (int i = 0; i < 8; i++) {
            newRegs[i] = readSystem32(newBase + 0x28 + i * 4);
        }
        int[] newSegs = new int[6];
        for (int i = 0; i < 6; i++) {
            newSegs[i] = readSystem16(newBase + 0x48 + i * 4);
        }
        int newLdt = readSystem16(newBase + 0x60);

        int oldFlags = materializedFlags();
        if (source == TASK_IRET) {
            oldFlags &= ~NT;
        }
        writeSystem32(trBase + 0x20, returnEip);
        writeSystem32(trBase + 0x24, oldFlags);
        for (int i = 0; i < 8; i++) {
            writeSystem32(trBase + 0x28 + i * 4, regs[i]);
        }
        for (int i = 0; i < 6; i++) {
            writeSystem32(trBase + 0x48 + i * 4, segSel[i]);
        }
        if (source != TASK_CALL) {
            int oldDesc = gdtBase + (trSel & 0xFFF8) + 4;
            writeSystem32(oldDesc, readSystem32(oldDesc) & ~0x200);
        }
        if (source == TASK_CALL) {
            writeSystem32(newBase, (readSystem32(newBase) & 0xFFFF0000) | trSel);
            newFlags |= NT;
        }
        if (source != TASK_IRET) {
            writeSystem32(gdtBase + (sel & 0xFFF8) + 4, hi | 0x200);
        }

        trSel = sel;
        trBase = newBase;
        trLimit = newLimit;
        trAttr = (hi | 0x200) & 0x00F0FF00;
        cr0 |= CR0_TS;
        if (paging()) {
            cr3 = newCr3;
            flushTlb();
        }
        eflags = (newFlags & (EFLAGS_WRITABLE | VM)) | 2;
        lazyMask = 0;
        System.arraycopy(newRegs, 0, regs, 0, 8);
        eip = newEip;
        // Faults from here on belong to the new task and restart at its first instruction.
        startEip = newEip;
        for (int i = 0; i < 6; i++) {
            segSel[i] = newSegs[i];
        }
        if ((newLdt & 0xFFFC) == 0) {
            ldtSel = newLdt;
            ldtBase = 0;
            ldtLimit = 0;
        } else {
            if ((newLdt & 4) != 0) {
                throw exc(10, newLdt & 0xFFFC);
            }
            readDescriptor(newLdt);
            if ((descHi & 0x1F00) != 0x0200 || (descHi & ATTR_P) == 0) {
                throw exc(10, newLdt & 0xFFFC);
            }
            ldtSel = newLdt;
            ldtBase = descBase(descLo, descHi);
            ldtLimit = descLimit(descLo, descHi);
        }
        if ((eflags & VM) != 0) {
            cpl = 3;
            fetchMoved();
            for (int i = 0; i < 6; i++) {
                loadV86Segment(i, newSegs[i]);
            }
        } else {
            int cs = newSegs[CS];
            if ((cs & 0xFFFC) == 0) {
                throw exc(10, 0);
            }
            readDescriptor(cs);
            if ((descHi & ATTR_S) == 0 || (descHi & ATTR_CODE) == 0) {
                throw exc(10, cs & 0xFFFC);
            }
            if ((descHi & ATTR_P) == 0) {
                throw exc(11, cs & 0xFFFC);
            }
            cpl = cs & 3;
            fetchMoved();
            markAccessed(cs);
            loadCache(CS, cs);
            loadSegment(SS, newSegs[SS]);
            for (int s : DATA_SEGMENTS) {
                loadSegment(s, newSegs[s]);
            }
        }
        if (hasError) {
            push(D, errorCode);
        }
    }

    /** Far RET / IRET back to {@code sel:off}: same privilege or outer. */
    private void farReturnTo(int sel, int off, int size, int extraPop, boolean iret, int newFlags) {
        sel &= 0xFFFF;
        int rpl = sel & 3;
        if ((sel & 0xFFFC) == 0) {
            throw gp(0);
        }
        readDescriptor(sel);
        int attr = descHi;
        if ((attr & ATTR_S) == 0 || (attr & ATTR_CODE) == 0 || rpl < cpl) {
            throw gp(sel & 0xFFFC);
        }
        int dpl = (attr >> 13) & 3;
        if ((attr & ATTR_CONFORMING) != 0 ? dpl > rpl : dpl != rpl) {
            throw gp(sel & 0xFFFC);
        }
        if ((attr & ATTR_P) == 0) {
            throw exc(11, sel & 0xFFFC);
        }
        int lo = descLo, hi = descHi;
        int frame = iret ? 3 : 2;
        if (rpl > cpl) {
            // Return to an outer ring: SS:ESP follow the CS:EIP (and EFLAGS) on the stack.
            int n = BYTES[size];
            int newEsp = peek(size, frame * n + extraPop);
            int newSs = peek(size, (frame + 1) * n + extraPop) & 0xFFFF;
            int oldCpl = cpl;
            cpl = rpl;
            fetchMoved();
            try {
                loadSegment(SS, newSs);
            } catch (CpuFault f) {
                cpl = oldCpl;
                fetchMoved();
                throw f;
            }
            descLo = lo;
            descHi = hi;
            markAccessed(sel);
            loadCache(CS, sel);
            if (iret) {
                writeFlagsForIret(newFlags, size, oldCpl);
            }
            regs[ESP] = stack32() ? newEsp : (regs[ESP] & 0xFFFF0000) | (newEsp & 0xFFFF);
            adjustSp(extraPop);
            for (int s : DATA_SEGMENTS) {
                int a = segAttr[s];
                boolean dataOrNonConf = (a & ATTR_CODE) == 0 || (a & ATTR_CONFORMING) == 0;
                if ((segSel[s] & 0xFFFC) != 0 && dataOrNonConf && ((a >> 13) & 3) < cpl) {
                    setCache(s, 0, segBase[s], segLimit[s], 0);
                }
            }
        } else {
            descLo = lo;
            descHi = hi;
            markAccessed(sel);
            loadCache(CS, sel);
            adjustSp(frame * BYTES[size] + extraPop);
            if (iret) {
                writeFlagsForIret(newFlags, size, cpl);
            }
        }
        eip = size == W ? off & 0xFFFF : off;
    }

    private void writeFlagsForIret(int value, int size, int privilege) {
        int mask = EFLAGS_WRITABLE;
        if (privilege > 0) {
            mask &= ~IOPL;
        }
        if (privilege > ((eflags >> 12) & 3)) {
            mask &= ~IF;
        }
        if (size == W) {
            mask &= 0xFFFF;
        }
        materializedFlags();
        eflags = (eflags & ~mask) | (value & mask) | 2;
    }

    // ---------------------------------------------------------------- interrupt delivery

    /**
     * Delivers an interrupt or exception through the IVT (real mode) or IDT (protected mode,
     * interrupt and trap gates; SDM vol. 3, 6.12). {@code returnEip} is what the handler's IRET
     * resumes at.
     */
    private void deliver(int vector, int kind, boolean hasError, int errorCode, int returnEip) {
        delivered = true;
        int flags = materializedFlags();
        if (realMode()) {
            if (vector * 4 + 3 > (idtLimit & 0xFFFFFFFFL)) {
                throw gp(vector * 8 + 2);
            }
            int target = readLinear32(idtBase + vector * 4);
            push(W, flags);
            push(W, segSel[CS]);
            push(W, returnEip);
            segSel[CS] = target >>> 16;
            segBase[CS] = (target >>> 16) << 4;
            fetchMoved();
            eip = target & 0xFFFF;
            eflags &= ~(IF | TF | AC | RF);
            return;
        }
        int ext = kind == INT_SOFTWARE ? 0 : 1;
        if (vector * 8 + 7 > (idtLimit & 0xFFFFFFFFL)) {
            throw gp(vector * 8 + 2 + ext);
        }
        int lo = readSystem32(idtBase + vector * 8);
        int hi = readSystem32(idtBase + vector * 8 + 4);
        int type = (hi >> 8) & 0x1F;
        boolean gate32;
        boolean trap;
        switch (type) {
            case 0x06 -> {
                gate32 = false;
                trap = false;
            }
            case 0x07 -> {
                gate32 = false;
                trap = true;
            }
            case 0x0E -> {
                gate32 = true;
                trap = false;
            }
            case 0x0F -> {
                gate32 = true;
                trap = true;
            }
            case 0x05 -> {
                // Task gate: the handler is a task of its own.
                if (kind == INT_SOFTWARE && ((hi >> 13) & 3) < cpl) {
                    throw gp(vector * 8 + 2);
                }
                if ((hi & ATTR_P) == 0) {
                    throw exc(11, vector * 8 + 2 + ext);
                }
                taskSwitch(lo >>> 16, TASK_CALL, returnEip, hasError, errorCode);
                return;
            }
            default -> throw gp(vector * 8 + 2 + ext);
        }
        if (kind == INT_SOFTWARE && ((hi >> 13) & 3) < cpl) {
            throw gp(vector * 8 + 2);
        }
        if ((hi & ATTR_P) == 0) {
            throw exc(11, vector * 8 + 2 + ext);
        }
        int sel = lo >>> 16;
        int off = gate32 ? (hi & 0xFFFF0000) | (lo & 0xFFFF) : lo & 0xFFFF;
        if ((sel & 0xFFFC) == 0) {
            throw gp(ext);
        }
        readDescriptor(sel);
        int cattr = descHi;
        int dpl = (cattr >> 13) & 3;
        if ((cattr & ATTR_S) == 0 || (cattr & ATTR_CODE) == 0 || dpl > cpl) {
            throw gp((sel & 0xFFFC) + ext);
        }
        if ((cattr & ATTR_P) == 0) {
            throw exc(11, (sel & 0xFFFC) + ext);
        }
        int clo = descLo, chi = descHi;
        int size = gate32 ? D : W;
        boolean fromV86 = (eflags & VM) != 0;
        if (fromV86 && (dpl != 0 || (cattr & ATTR_CONFORMING) != 0)) {
            // Virtual-8086 mode interrupts only to ring 0 (SDM vol. 3, 20.3.1.1).
            throw gp((sel & 0xFFFC) + ext);
        }
        if ((cattr & ATTR_CONFORMING) == 0 && dpl < cpl) {
            // Inner-privilege interrupt: switch to the stack the TSS names for the new ring.
            int newSs, newEsp;
            if ((trAttr & 0x800) != 0) {
                newEsp = readSystem32(trBase + 4 + dpl * 8);
                newSs = readSystem32(trBase + 8 + dpl * 8) & 0xFFFF;
            } else {
                newEsp = readSystem32(trBase + 2 + dpl * 4) & 0xFFFF;
                newSs = readSystem32(trBase + 4 + dpl * 4) & 0xFFFF;
            }
            int oldSs = segSel[SS], oldEsp = regs[ESP];
            int oldCpl = cpl;
            cpl = dpl;
            fetchMoved();
            eflags &= ~VM;
            try {
                loadSegment(SS, newSs);
            } catch (CpuFault f) {
                cpl = oldCpl;
                fetchMoved();
                eflags |= fromV86 ? VM : 0;
                throw exc(10, newSs & 0xFFFC);
            }
            regs[ESP] = newEsp;
            if (fromV86) {
                push(size, segSel[GS]);
                push(size, segSel[FS]);
                push(size, segSel[DS]);
                push(size, segSel[ES]);
            }
            push(size, oldSs);
            push(size, oldEsp);
        }
        push(size, flags);
        push(size, segSel[CS]);
        push(size, returnEip);
        if (hasError) {
            push(size, errorCode);
        }
        descLo = clo;
        descHi = chi;
        markAccessed(sel);
        int newCpl = (cattr & ATTR_CONFORMING) != 0 ? cpl : dpl;
        cpl = newCpl;
        fetchMoved();
        loadCache(CS, (sel & 0xFFFC) | newCpl);
        eip = off;
        if (fromV86) {
            for (int s : DATA_SEGMENTS) {
                setCache(s, 0, 0, 0, 0);
            }
        }
        eflags &= ~(TF | NT | RF | VM);
        if (!trap) {
            eflags &= ~IF;
        }
    }

    private void softwareInterrupt(int vector) {
        if (v86() && ((eflags >> 12) & 3) < 3) {
            throw gp(0);
        }
        deliver(vector, INT_SOFTWARE, false, 0, eip);
    }

    private void iret() {
        int size = osize();
        if (realMode()) {
            int newEip = pop(size);
            int newCs = pop(size) & 0xFFFF;
            int newFlags = pop(size);
            segSel[CS] = newCs;
            segBase[CS] = newCs << 4;
            fetchMoved();
            eip = size == W ? newEip & 0xFFFF : newEip;
            int mask = size == W ? EFLAGS_WRITABLE & 0xFFFF : EFLAGS_WRITABLE;
            materializedFlags();
            eflags = (eflags & ~mask) | (newFlags & mask) | 2;
            nmiBlocked = false;
            return;
        }
        if (v86()) {
            // IRET inside virtual-8086 mode works like real mode's when IOPL is 3, IOPL itself
            // kept.
            if (((eflags >> 12) & 3) < 3) {
                throw gp(0);
            }
            int newEip = pop(size);
            int newCs = pop(size) & 0xFFFF;
            int newFlags = pop(size);
            segSel[CS] = newCs;
            segBase[CS] = newCs << 4;
            fetchMoved();
            eip = newEip & 0xFFFF;
            int mask = (size == W ? 0xFFFF : -1) & EFLAGS_WRITABLE & ~IOPL;
            materializedFlags();
            eflags = (eflags & ~mask) | (newFlags & mask) | 2;
            nmiBlocked = false;
            return;
        }
        if ((eflags & NT) != 0) {
            // Return from a nested task: switch back to the task named by the back link.
            taskSwitch(readSystem16(trBase), TASK_IRET, eip, false, 0);
            nmiBlocked = false;
            return;
        }
        int newEip = peek(size, 0);
        int newCs = peek(size, BYTES[size]) & 0xFFFF;
        int newFlags = peek(size, 2 * BYTES[size]);
        if (size == D && (newFlags & VM) != 0 && cpl == 0) {
            returnToV86(newEip, newCs, newFlags);
            nmiBlocked = false;
            return;
        }
        farReturnTo(newCs, newEip, size, 0, true, newFlags);
        nmiBlocked = false;
    }

    /** IRET from ring 0 to virtual-8086 mode: the frame also holds ESP, SS, ES, DS, FS, GS. */
    private void returnToV86(int newEip, int newCs, int newFlags) {
        int newEsp = peek(D, 12);
        int newSs = peek(D, 16);
        int newEs = peek(D, 20);
        int newDs = peek(D, 24);
        int newFs = peek(D, 28);
        int newGs = peek(D, 32);
        materializedFlags();
        eflags = (newFlags & (EFLAGS_WRITABLE | VM)) | 2;
        cpl = 3;
        fetchMoved();
        loadV86Segment(CS, newCs);
        loadV86Segment(SS, newSs);
        loadV86Segment(ES, newEs);
        loadV86Segment(DS, newDs);
        loadV86Segment(FS, newFs);
        loadV86Segment(GS, newGs);
        regs[ESP] = newEsp;
        eip = newEip & 0xFFFF;
    }

    private void loadV86Segment(int seg, int sel) {
        int attr =
                ATTR_P
                        | ATTR_S
                        | ATTR_WRITE_READ
                        | ATTR_ACCESSED
                        | (3 << 13)
                        | (seg == CS ? ATTR_CODE : 0);
        setCache(seg, sel & 0xFFFF, (sel & 0xFFFF) << 4, 0xFFFF, attr);
    }

    private void retFar(int extra) {
        int size = osize();
        if (realMode() || v86()) {
            int newEip = pop(size);
            int newCs = pop(size) & 0xFFFF;
            segSel[CS] = newCs;
            segBase[CS] = newCs << 4;
            fetchMoved();
            eip = size == W ? newEip & 0xFFFF : newEip;
            adjustSp(extra);
            return;
        }
        int newEip = peek(size, 0);
        int newCs = peek(size, BYTES[size]) & 0xFFFF;
        farReturnTo(newCs, newEip, size, extra, false, 0);
    }

    // ---------------------------------------------------------------- decoded instructions

    /**
     * Runs up to {@code budget} instructions from EIP, at least one: a block of decoded
     * instructions ({@link DecodedInstructions}) when there is one, else one instruction through
     * {@link #step()}; {@link #blockRetired} counts those that completed. Each decoded instruction
     * lies inside the fetch window, so its fetch cannot fault, and behaves as {@link #step()}
     * would; the block stops early, as the run loop would, after a bus or port access, and after a
     * store into its own code. A block whose jump goes back to its own start (a loop's body) runs
     * again without leaving, within the budget; a block that leaves goes on to the block linked
     * after it, when that one is still known to match RAM and fits the budget (ADR 24). Called only
     * with a block cache: without one, {@link #run} steps through instructions itself.
     */
    private void runBlock(int budget) {
        startEip = eip;
        int d = eip - fetchStart;
        if (Integer.compareUnsigned(d, fetchLen) >= 0) {
            if (!reopenFetch()) {
                step();
                blockRetired = 1;
                return;
            }
            d = eip - fetchStart;
        }
        long offset = fetchOffset + d;
        boolean big = (segAttr[CS] & ATTR_DB) != 0;
        int b = decoded.lookup(offset, big, fetchLen - d);
        long[] pool = decoded.pool;
        long header = b < 0 ? 0 : pool[b];
        int count = DecodedInstructions.count(header);
        // A block runs whole or not at all, so that its fused groups cannot overrun the budget.
        if (count == 0 || count > budget) {
            step();
            blockRetired = 1;
            return;
        }
        codeLow = offset - 3;
        codeSpan = DecodedInstructions.byteLength(header) + 3;
        int blockEip = eip;
        int first = DecodedInstructions.first(b);
        int done = 0;
        run:
        for (; ; ) {
            int p = first;
            for (int k = 0; ; ) {
                long word = pool[p];
                int next = startEip + ((int) (word >>> DecodedInstructions.LENGTH_SHIFT) & 0xF);
                // A body returns how many instructions it ran: more than one for a fused group,
                // whose word has the group's length (DecodedInstructions.fuse).
                int ran = BODIES[(int) word & 0xFF].run(this, word, pool[p + 1]);
                k += ran;
                p += ran << 1;
                blockRetired = done + k;
                if (pollInterrupts) {
                    break run;
                }
                // A jump not taken runs on in the block. A taken one leaves it, unless it goes
                // back to the block's start: a loop runs on without a lookup, since no store has
                // touched the block's bytes and the run loop's checks would pass (nothing to
                // poll).
                if (eip == next) {
                    if (k != count) {
                        startEip = eip;
                        continue;
                    }
                } else if (eip == blockEip) {
                    if (done + k + count > budget) {
                        break run;
                    }
                    done += k;
                    startEip = eip;
                    continue run;
                }
                // Leaving the block: on to the next one as the run loop would, if it is the one
                // linked after this one (lookup's link) and still known to match RAM.
                startEip = eip;
                int e = eip - fetchStart;
                if (Integer.compareUnsigned(e, fetchLen) >= 0) {
                    // Another page: its fetch window opens as on entry (a fault in its fetch is
                    // delivered with the instructions so far retired).
                    if (!reopenFetch()) {
                        break run;
                    }
                    e = eip - fetchStart;
                }
                long at = fetchOffset + e;
                int n = decoded.linkedAfter(b, at, big, fetchLen - e);
                if (n < 0) {
                    break run;
                }
                long h = pool[n];
                int c = DecodedInstructions.count(h);
                if (c == 0 || done + k + c > budget) {
                    break run;
                }
                b = n;
                count = c;
                first = DecodedInstructions.first(n);
                blockEip = eip;
                codeLow = at - 3;
                codeSpan = DecodedInstructions.byteLength(h) + 3;
                done += k;
                continue run;
            }
        }
        codeSpan = 0;
    }

    /**
     * Opens the fetch window at EIP after a jump out of it, with the checks (and so the faults) of
     * the first byte's fetch; false when EIP's page is not plain RAM.
     */
    private boolean reopenFetch() {
        // Most often the whole page lies within CS (a flat CS: its base a page boundary, its limit
        // at or past the page's end) and is in the TLB: the window is the page.
        if ((segBase[CS] & 0xFFF) == 0 && segmentCovers(CS, eip | 0xFFF, 1, ACCESS_FETCH)) {
            int lin = segBase[CS] + eip;
            int i = fastIndex(lin);
            if (fastReadTag[i] == (lin & 0xFFFFF000)) {
                fetchStart = eip & 0xFFFFF000;
                fetchLen = 0x1000;
                fetchOffset = fastOffset[i];
                limitFetch();
                return true;
            }
        }
        return reopenFetchSlow();
    }

    private boolean reopenFetchSlow() {
        int lin = checkedLinear(CS, eip, 1, ACCESS_FETCH);
        if (fastReadTag[fastIndex(lin)] != (lin & 0xFFFFF000)) {
            physical(lin, false);
        }
        openFetchWindow(lin);
        return Integer.compareUnsigned(eip - fetchStart, fetchLen) < 0;
    }

    /**
     * Sets the fields {@link #step()} would have decoded for a decoded instruction: EIP past it,
     * the ModRM fields and the effective address and its segment. (The prefix state, op32, addr32,
     * rep and segOverride, is not set: no decoded form reads it, and the effective segment is
     * decoded.)
     */
    private void decodeFields(long word, long operands) {
        next(word);
        reg = reg(word);
        rm = rm(word);
        if (registerForm(word)) {
            mod = 3;
        } else {
            mod = 0;
            eaOff = ea(word, operands);
            eaSeg = seg(word);
        }
    }

    private static int aux(long word) {
        return (int) (word >>> DecodedInstructions.AUX_SHIFT) & DecodedInstructions.AUX_MASK;
    }

    /**
     * The Jcc of a fused group (DecodedInstructions#fuse) after its first instruction ran: 2, the
     * instructions run; or 1 if the run loop must look first, as it would have between them.
     */
    private int thenJcc(long word) {
        if (stopsAfterFirst(word)) {
            return 1;
        }
        return jumpIf(
                word, condition((int) (word >>> DecodedInstructions.JCC_CONDITION_SHIFT) & 0xF));
    }

    /**
     * The JE or JNE of a fused group whose first instruction is a CMP or TEST (the first of a
     * specialized form, DecodedInstructions#specialize), as {@link #thenJcc}: ZF is whether its
     * result is 0.
     */
    private int thenJz(long word) {
        if (stopsAfterFirst(word)) {
            return 1;
        }
        return jumpIf(
                word,
                (lazyRes == 0) != ((word & (1L << DecodedInstructions.JCC_CONDITION_SHIFT)) != 0));
    }

    /**
     * Whether a fused group stops after its first instruction, where the run loop would have looked
     * (after a bus or port access, or a store into the block's code); EIP is then set past that
     * instruction.
     */
    private boolean stopsAfterFirst(long word) {
        if (pollInterrupts) {
            eip = startEip + ((int) (word >>> DecodedInstructions.FIRST_LENGTH_SHIFT) & 0xF);
            return true;
        }
        return false;
    }

    /** The fused Jcc's jump, if {@code taken}: 2, the group's instructions run. */
    private int jumpIf(long word, boolean taken) {
        if (taken) {
            eip += (int) ((word << 8) >> 52);
        }
        return 2;
    }

    /**
     * The rest of a fused run of one-byte PUSH (or POP) of registers after its first ran, one at a
     * time as the run loop would (a fault in one leaves those before it retired): how many ran.
     */
    private int runRest(long word, boolean pop) {
        int parts = runParts(word);
        int registers = (int) (word >>> DecodedInstructions.RUN_SHIFT);
        for (int i = 1; i < parts; i++, registers >>>= 3) {
            eip = startEip + 1;
            if (pollInterrupts) {
                return i;
            }
            startEip = eip;
            blockRetired++;
            if (pop) {
                int v = pop(D);
                regs[registers & 7] = v;
            } else {
                push(D, regs[registers & 7]);
            }
        }
        eip = startEip + 1;
        return parts;
    }

    private static int imm(long operands) {
        return (int) (operands >>> 32);
    }

    private static int reg(long word) {
        return (int) (word >>> DecodedInstructions.REG_SHIFT) & 7;
    }

    private static int rm(long word) {
        return (int) (word >>> DecodedInstructions.RM_SHIFT) & 7;
    }

    private static boolean registerForm(long word) {
        return (word & DecodedInstructions.REGISTER_FORM) != 0;
    }

    private static int base(long word) {
        return (int) (word >>> DecodedInstructions.BASE_SHIFT) & 15;
    }

    private static int seg(long word) {
        return (int) (word >>> DecodedInstructions.SEG_SHIFT) & 7;
    }

    /** Sets EIP past a decoded instruction. */
    private void next(long word) {
        eip = startEip + ((int) (word >>> DecodedInstructions.LENGTH_SHIFT) & 0xF);
    }

    /** The effective address of a decoded instruction's memory operand. */
    private int ea(long word, long operands) {
        int base = (int) (word >>> DecodedInstructions.BASE_SHIFT) & 15;
        int index = (int) (word >>> DecodedInstructions.INDEX_SHIFT) & 15;
        int off = (int) operands;
        if (base < 8) {
            off += regs[base];
        }
        if (index < 8) {
            off += regs[index] << ((int) (word >>> DecodedInstructions.SCALE_SHIFT) & 3);
        }
        return off;
    }

    /** The 32-bit register or memory operand (r/m) of a decoded instruction. */
    private int rm32(long word, long operands) {
        return registerForm(word) ? regs[rm(word)] : read32(seg(word), ea(word, operands));
    }

    /**
     * A 32-bit ALU operation of kind {@code kind} with a register or memory destination and source
     * {@code b}; CMP (kind 7) only reads the destination, the others read it for a write.
     */
    private void aluToRm32(int kind, long word, long operands, int b) {
        if (registerForm(word)) {
            int r = rm(word);
            int v = alu32(kind, regs[r], b);
            if (kind != 7) {
                regs[r] = v;
            }
        } else {
            int seg = seg(word), off = ea(word, operands);
            if (kind == 7) {
                alu32(7, read32(seg, off), b);
            } else {
                write32(seg, off, alu32(kind, readMemForWrite(D, seg, off), b));
            }
        }
    }

    /**
     * The body of a decoded form: the opcode's case in the interpreter, in the same order of
     * accesses, with its operands taken from the form word (register numbers, effective address),
     * or, for the forms that share the interpreter's operand accessors, from the fields {@link
     * #step()} would have decoded ({@link #decodeFields}). Each form has a body of its own class,
     * and {@link #runBlock} calls its body through {@link #BODIES}: a call with many receivers,
     * which C2 does not inline, so that each body is compiled on its own with its operand
     * accessors, ALU and memory paths inlined into it. (With all forms in two large methods, C2 ran
     * out of its inlining budget and called those out of line; ADR 21.) A body returns how many
     * instructions it ran: 1, or, from the first word of a fused group (DecodedInstructions#fuse),
     * the whole group unless the run loop must look between them.
     */
    private abstract static class Body {
        abstract int run(Cpu c, long word, long operands);
    }

    /** The body of a form number that no decoded word has. */
    private static final Body NO_BODY =
            new Body() {
                @Override
                int run(Cpu c, long w, long o) {
                    throw new IllegalStateException("no decoded form " + (w & 0xFF));
                }
            };

    /** The body of each decoded form, by form number. */
    private static final Body[] BODIES = new Body[256];

    // The bodies that also begin fused groups: constants, so that C2 binds the calls to them in a
    // group's body and inlines them there.
    private static final Body ALU_MR_BODY = new AluMr(),
            ALU_RM_BODY = new AluRm(),
            ALU_AI_BODY = new AluAi(),
            ALU_MI_BODY = new AluMi(),
            TEST_MR_BODY = new TestMr(),
            TEST_AI_BODY = new TestAi(),
            INC_BODY = new IncDec(false),
            DEC_BODY = new IncDec(true),
            ALU_MR32_BODY = new AluMr32(),
            ALU_RM32_BODY = new AluRm32(),
            ALU_MI32_BODY = new AluMi32(),
            TEST_MR32_BODY = new TestMr32(),
            GROUP3_BODY = new Group3(),
            PUSH_R_BODY = new PushR(),
            POP_R_BODY = new PopR();

    static {
        // MOV_RM32, MOV_MR32, INC, DEC, JCC and CMOV words are always specialized
        // (DecodedInstructions#specialize): those forms have no plain body.
        specializedBodies();
        BODIES[DecodedInstructions.ALU_MR32] = ALU_MR32_BODY;
        BODIES[DecodedInstructions.ALU_RM32] = ALU_RM32_BODY;
        BODIES[DecodedInstructions.ALU_MI32] = ALU_MI32_BODY;
        BODIES[DecodedInstructions.TEST_MR32] = TEST_MR32_BODY;
        BODIES[DecodedInstructions.NOP] = new Nop();
        BODIES[DecodedInstructions.ALU_MR] = ALU_MR_BODY;
        BODIES[DecodedInstructions.ALU_RM] = ALU_RM_BODY;
        BODIES[DecodedInstructions.ALU_AI] = ALU_AI_BODY;
        BODIES[DecodedInstructions.ALU_MI] = ALU_MI_BODY;
        BODIES[DecodedInstructions.TEST_MR] = TEST_MR_BODY;
        BODIES[DecodedInstructions.TEST_AI] = TEST_AI_BODY;
        BODIES[DecodedInstructions.MOV_MR] = new MovMr();
        BODIES[DecodedInstructions.MOV_RM] = new MovRm();
        BODIES[DecodedInstructions.MOV_MI] = new MovMi();
        BODIES[DecodedInstructions.MOV_RI] = new MovRi();
        BODIES[DecodedInstructions.MOV_MOFFS] = new MovMoffs();
        BODIES[DecodedInstructions.LEA] = new Lea();
        BODIES[DecodedInstructions.PUSH_R] = PUSH_R_BODY;
        BODIES[DecodedInstructions.POP_R] = POP_R_BODY;
        BODIES[DecodedInstructions.PUSH_I] = new PushI();
        BODIES[DecodedInstructions.JMP] = new Jmp();
        BODIES[DecodedInstructions.CALL] = new Call();
        BODIES[DecodedInstructions.RET] = new Ret();
        BODIES[DecodedInstructions.RET_N] = new RetN();
        BODIES[DecodedInstructions.LEAVE] = new Leave();
        BODIES[DecodedInstructions.MOVX] = new Movx();
        BODIES[DecodedInstructions.SETCC] = new Setcc();
        BODIES[DecodedInstructions.SHIFT] = new Shift();
        BODIES[DecodedInstructions.GROUP5] = new Group5();
        BODIES[DecodedInstructions.CWDE] = new Cwde();
        BODIES[DecodedInstructions.CDQ] = new Cdq();
        BODIES[DecodedInstructions.IMUL_RM] = new ImulRm();
        BODIES[DecodedInstructions.IMUL_RMI] = new ImulRmi();
        BODIES[DecodedInstructions.GROUP3] = GROUP3_BODY;
        BODIES[DecodedInstructions.XCHG] = new Xchg();
        BODIES[DecodedInstructions.DIRECTION] = new Direction();
        BODIES[DecodedInstructions.GROUP4] = new Group4();
        BODIES[DecodedInstructions.BIT_I] = new BitI();
        BODIES[DecodedInstructions.BIT_R] = new BitR();
        BODIES[DecodedInstructions.CMPXCHG] = new Cmpxchg();
        BODIES[DecodedInstructions.STRING] = new StringMoveOrStore();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.ALU_MR] = new AluMrThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.ALU_RM] = new AluRmThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.ALU_AI] = new AluAiThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.ALU_MI] = new AluMiThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.TEST_MR] = new TestMrThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.TEST_AI] = new TestAiThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.INC] = new IncThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.DEC] = new DecThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.ALU_MR32] = new AluMr32ThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.ALU_RM32] = new AluRm32ThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.ALU_MI32] = new AluMi32ThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.TEST_MR32] = new TestMr32ThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.GROUP3] = new Group3ThenJcc();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.PUSH_R] = new PushRun();
        BODIES[DecodedInstructions.FUSED + DecodedInstructions.POP_R] = new PopRun();
        for (int f = 0; f < BODIES.length; f++) {
            if (BODIES[f] == null) {
                BODIES[f] = NO_BODY;
            }
        }
    }

    /** Whether decoded words of form {@code form} have a body to run. */
    static boolean hasBody(int form) {
        return BODIES[form] != NO_BODY;
    }

    // The fused groups (DecodedInstructions#fuse): each its own class, compiled with its first
    // instruction's body inlined, so that the plain bodies stay as they are.
    private static final class AluMrThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            ALU_MR_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class AluRmThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            ALU_RM_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class AluAiThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            ALU_AI_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class AluMiThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            ALU_MI_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class TestMrThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            TEST_MR_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class TestAiThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            TEST_AI_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class IncThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            INC_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class DecThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            DEC_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class AluMr32ThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            ALU_MR32_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class AluRm32ThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            ALU_RM32_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class AluMi32ThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            ALU_MI32_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class TestMr32ThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            TEST_MR32_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class Group3ThenJcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            GROUP3_BODY.run(c, w, o);
            return c.thenJcc(w);
        }
    }

    private static final class PushRun extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            int parts = runParts(w);
            long at = c.stackRun(w, parts, true);
            if (at < 0) {
                PUSH_R_BODY.run(c, w, o);
                return c.runRest(w, false);
            }
            // Each push stores below the one before it: the first at the top of the run's bytes.
            int[] regs = c.regs;
            long top = at + 4 * (parts - 1);
            c.setRam32(top, regs[reg(w)]);
            int registers = (int) (w >>> DecodedInstructions.RUN_SHIFT);
            for (int i = 1; i < parts; i++, registers >>>= 3) {
                c.setRam32(top - 4 * i, regs[registers & 7]);
            }
            c.noteWrites(at, 4 * parts);
            regs[ESP] -= 4 * parts;
            c.eip = c.startEip + parts;
            return parts;
        }
    }

    private static final class PopRun extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            int parts = runParts(w);
            long at = c.stackRun(w, parts, false);
            if (at < 0) {
                POP_R_BODY.run(c, w, o);
                return c.runRest(w, true);
            }
            int[] regs = c.regs;
            regs[ESP] += 4 * parts;
            regs[reg(w)] = c.ram32(at);
            int registers = (int) (w >>> DecodedInstructions.RUN_SHIFT);
            for (int i = 1; i < parts; i++, registers >>>= 3) {
                regs[registers & 7] = c.ram32(at + 4 * i);
            }
            c.eip = c.startEip + parts;
            return parts;
        }
    }

    /** How many instructions a fused run of PUSH or POP of registers has. */
    private static int runParts(long word) {
        return ((int) (word >>> DecodedInstructions.RUN_EXTRA_SHIFT) & 7) + 1;
    }

    /**
     * The RAM offset of the stack bytes a fused run of {@code parts} PUSH (or POP) instructions
     * (word {@code word}) would access, when they can be accessed at once, as the instructions one
     * at a time would, with nothing to check between them: a 32-bit stack, the bytes (below ESP for
     * pushes, from it for pops) within the stack segment and one page of plain RAM the access may
     * reach without a fault, none of the block's own code, and ESP not among the registers (whose
     * PUSH stores, and POP loads, the stack pointer in the middle of the run). Else -1: then the
     * run goes one instruction at a time.
     */
    private long stackRun(long word, int parts, boolean push) {
        if (!stack32()) {
            return -1;
        }
        int registers = reg(word) | (int) (word >>> DecodedInstructions.RUN_SHIFT) << 3;
        for (int i = 0; i < parts; i++, registers >>>= 3) {
            if ((registers & 7) == ESP) {
                return -1;
            }
        }
        int bytes = 4 * parts;
        int access = push ? ACCESS_WRITE : ACCESS_READ;
        int low = push ? regs[ESP] - bytes : regs[ESP];
        // The run's bytes must not wrap around the top of the offsets.
        if (Integer.compareUnsigned(low, low + bytes - 1) > 0
                || !segmentCovers(SS, low, bytes, access)) {
            return -1;
        }
        int lin = segBase[SS] + low;
        if (((lin ^ (lin + bytes - 1)) & 0xFFFFF000) != 0) {
            return -1;
        }
        int i = fastIndex(lin);
        int[] tags = push ? fastWriteTag : fastReadTag;
        if (tags[i] != (lin & 0xFFFFF000)) {
            return -1;
        }
        long at = fastOffset[i] + (lin & 0xFFF);
        if (push && inBlockCode(at, bytes)) {
            return -1;
        }
        return at;
    }

    // ---------------------------------------------------------------- specialized forms

    // The bodies of the specialized forms (DecodedInstructions#specialize, ADR 23): each calls one
    // of these helpers with its kind, operand kind or condition as a constant, and is a class of
    // its own, so that C2 compiles a copy of the helper with the constant folded in: no switch on
    // the ALU kind or the condition, no test of the operand kind. A branch shared by all the
    // instructions of a form was mispredicted as often as their kinds changed; after
    // specialization the body's own dispatch has told them apart.

    private int aluMr32Register(int kind, long w) {
        next(w);
        return aluToRegister32(kind, rm(w), regs[reg(w)]);
    }

    /**
     * ALU operation {@code kind} on register {@code r} and {@code b}; CMP (7) keeps the register.
     */
    private int aluToRegister32(int kind, int r, int b) {
        int v = alu32(kind, regs[r], b);
        if (kind != 7) {
            regs[r] = v;
        }
        return 1;
    }

    private int aluMr32Memory(int kind, long w, long o) {
        next(w);
        return aluToMemory32(kind, w, o, regs[reg(w)]);
    }

    private int aluToMemory32(int kind, long w, long o, int b) {
        int seg = seg(w), off = ea(w, o);
        if (kind == 7) {
            alu32(7, read32(seg, off), b);
        } else {
            write32(seg, off, alu32(kind, readMemForWrite(D, seg, off), b));
        }
        return 1;
    }

    private int aluRm32Register(int kind, long w) {
        next(w);
        return aluToRegister32(kind, reg(w), regs[rm(w)]);
    }

    private int aluRm32Memory(int kind, long w, long o) {
        next(w);
        return aluToRegister32(kind, reg(w), read32(seg(w), ea(w, o)));
    }

    private int aluMi32Register(int kind, long w, long o) {
        next(w);
        return aluToRegister32(kind, rm(w), imm(o));
    }

    private int aluMi32Memory(int kind, long w, long o) {
        next(w);
        return aluToMemory32(kind, w, o, imm(o));
    }

    private int aluMi8(int kind, boolean memory, long w, long o) {
        next(w);
        if (memory) {
            int seg = seg(w), off = ea(w, o);
            if (kind == 7) {
                alu(7, B, read8(seg, off), imm(o));
            } else {
                write8(seg, off, alu(kind, B, readMemForWrite(B, seg, off), imm(o)));
            }
        } else {
            int r = rm(w);
            int v = alu(kind, B, getReg(B, r), imm(o));
            if (kind != 7) {
                setReg(B, r, v);
            }
        }
        return 1;
    }

    private int jccOn(int cc, long w, long o) {
        next(w);
        if (condition(cc)) {
            eip += imm(o);
        }
        return 1;
    }

    private int cmovOn(int cc, long w, long o) {
        next(w);
        int v = rm32(w, o);
        if (condition(cc)) {
            regs[reg(w)] = v;
        }
        return 1;
    }

    private int setccRegisterOn(int cc, long w) {
        next(w);
        setReg(B, rm(w), condition(cc) ? 1 : 0);
        return 1;
    }

    /** Puts the bodies of the specialized forms in {@link #BODIES}: one class each. */
    private static void specializedBodies() {
        // MOV r32, [base + displacement] and MOV [base + displacement], r32
        BODIES[DecodedInstructions.MOV_RM32_BASE] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.regs[reg(w)] = c.read32(seg(w), c.regs[base(w)] + (int) o);
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_MR32_BASE] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.write32(seg(w), c.regs[base(w)] + (int) o, c.regs[reg(w)]);
                        return 1;
                    }
                };
        // A CMP or TEST then JE or JNE (fused): memory, then register
        BODIES[DecodedInstructions.CMP_MI32_THEN_JZ] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi32Memory(7, w, o);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_MI32_THEN_JZ + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi32Register(7, w, o);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_RM32_THEN_JZ] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluRm32Memory(7, w, o);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_RM32_THEN_JZ + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluRm32Register(7, w);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_MR32_THEN_JZ] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMr32Memory(7, w, o);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_MR32_THEN_JZ + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMr32Register(7, w);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.CMP8_MI_THEN_JZ] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi8(7, true, w, o);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.CMP8_MI_THEN_JZ + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi8(7, false, w, o);
                        return c.thenJz(w);
                    }
                };
        BODIES[DecodedInstructions.TEST32_REGISTERS_THEN_JZ] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.alu32(4, c.regs[rm(w)], c.regs[reg(w)]);
                        return c.thenJz(w);
                    }
                };
        // r/m32 op= r32: ADD, OR, ADC, SBB, AND, SUB, XOR, CMP; each in memory, then in a register
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 0] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(0, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(0, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 2] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(1, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 3] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(1, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 4] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(2, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 5] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(2, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 6] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(3, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 7] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(3, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 8] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(4, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 9] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(4, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 10] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(5, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 11] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(5, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 12] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(6, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 13] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(6, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 14] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Memory(7, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MR32_BY_KIND + 15] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMr32Register(7, w);
                    }
                };
        // r32 op= r/m32: ADD, OR, ADC, SBB, AND, SUB, XOR, CMP; each in memory, then in a register
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 0] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(0, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(0, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 2] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(1, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 3] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(1, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 4] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(2, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 5] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(2, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 6] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(3, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 7] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(3, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 8] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(4, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 9] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(4, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 10] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(5, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 11] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(5, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 12] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(6, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 13] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(6, w);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 14] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Memory(7, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_RM32_BY_KIND + 15] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluRm32Register(7, w);
                    }
                };
        // r/m32 op= imm: ADD, OR, ADC, SBB, AND, SUB, XOR, CMP; each in memory, then in a register
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 0] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(0, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(0, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 2] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(1, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 3] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(1, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 4] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(2, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 5] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(2, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 6] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(3, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 7] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(3, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 8] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(4, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 9] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(4, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 10] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(5, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 11] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(5, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 12] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(6, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 13] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(6, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 14] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Memory(7, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI32_BY_KIND + 15] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi32Register(7, w, o);
                    }
                };
        // r/m8 op= imm8: ADD, OR, ADC, SBB, AND, SUB, XOR, CMP; each in memory, then in a register
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 0] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(0, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(0, false, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 2] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(1, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 3] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(1, false, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 4] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(2, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 5] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(2, false, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 6] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(3, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 7] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(3, false, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 8] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(4, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 9] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(4, false, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 10] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(5, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 11] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(5, false, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 12] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(6, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 13] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(6, false, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 14] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(7, true, w, o);
                    }
                };
        BODIES[DecodedInstructions.ALU_MI8_BY_KIND + 15] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.aluMi8(7, false, w, o);
                    }
                };
        // MOV r32, r/m32 and MOV r/m32, r32; MOV r8, r/m8 and MOV r/m8, r8: memory, then register
        BODIES[DecodedInstructions.MOV_RM32_BY_OPERAND] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.regs[reg(w)] = c.read32(seg(w), c.ea(w, o));
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_RM32_BY_OPERAND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.regs[reg(w)] = c.regs[rm(w)];
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_MR32_BY_OPERAND] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.write32(seg(w), c.ea(w, o), c.regs[reg(w)]);
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_MR32_BY_OPERAND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.regs[rm(w)] = c.regs[reg(w)];
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_RM8_BY_OPERAND] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.setReg(B, reg(w), c.read8(seg(w), c.ea(w, o)));
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_RM8_BY_OPERAND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.setReg(B, reg(w), c.getReg(B, rm(w)));
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_MR8_BY_OPERAND] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.write8(seg(w), c.ea(w, o), c.getReg(B, reg(w)));
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.MOV_MR8_BY_OPERAND + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.setReg(B, rm(w), c.getReg(B, reg(w)));
                        return 1;
                    }
                };
        // Jcc, conditions 0-15
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 0] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(0, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(1, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 2] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(2, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 3] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(3, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 4] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(4, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 5] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(5, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 6] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(6, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 7] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(7, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 8] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(8, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 9] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(9, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 10] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(10, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 11] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(11, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 12] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(12, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 13] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(13, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 14] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(14, w, o);
                    }
                };
        BODIES[DecodedInstructions.JCC_BY_CONDITION + 15] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.jccOn(15, w, o);
                    }
                };
        // CMOVcc r32, r/m32, conditions 0-15
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 0] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(0, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(1, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 2] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(2, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 3] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(3, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 4] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(4, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 5] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(5, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 6] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(6, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 7] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(7, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 8] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(8, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 9] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(9, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 10] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(10, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 11] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(11, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 12] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(12, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 13] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(13, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 14] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(14, w, o);
                    }
                };
        BODIES[DecodedInstructions.CMOV_BY_CONDITION + 15] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.cmovOn(15, w, o);
                    }
                };
        // SETcc r8, conditions 0-15
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 0] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(0, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(1, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 2] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(2, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 3] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(3, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 4] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(4, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 5] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(5, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 6] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(6, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 7] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(7, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 8] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(8, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 9] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(9, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 10] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(10, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 11] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(11, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 12] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(12, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 13] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(13, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 14] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(14, w);
                    }
                };
        BODIES[DecodedInstructions.SETCC_REGISTER_BY_CONDITION + 15] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        return c.setccRegisterOn(15, w);
                    }
                };
        // INC r32, DEC r32
        BODIES[DecodedInstructions.INC32] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        int r = reg(w);
                        c.regs[r] = c.incDec(D, c.regs[r], false);
                        return 1;
                    }
                };
        BODIES[DecodedInstructions.DEC32] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        int r = reg(w);
                        c.regs[r] = c.incDec(D, c.regs[r], true);
                        return 1;
                    }
                };
        // A CMP or TEST then a Jcc (fused): memory, then register
        BODIES[DecodedInstructions.CMP8_MI_THEN_JCC] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi8(7, true, w, o);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.CMP8_MI_THEN_JCC + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi8(7, false, w, o);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_MI32_THEN_JCC] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi32Memory(7, w, o);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_MI32_THEN_JCC + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMi32Register(7, w, o);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_RM32_THEN_JCC] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluRm32Memory(7, w, o);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_RM32_THEN_JCC + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluRm32Register(7, w);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_MR32_THEN_JCC] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMr32Memory(7, w, o);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.CMP_MR32_THEN_JCC + 1] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.aluMr32Register(7, w);
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.TEST8_REGISTERS_THEN_JCC] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.alu(4, B, c.getReg(B, rm(w)), c.getReg(B, reg(w)));
                        return c.thenJcc(w);
                    }
                };
        BODIES[DecodedInstructions.TEST32_REGISTERS_THEN_JCC] =
                new Body() {
                    @Override
                    int run(Cpu c, long w, long o) {
                        c.next(w);
                        c.alu32(4, c.regs[rm(w)], c.regs[reg(w)]);
                        return c.thenJcc(w);
                    }
                };
    }

    private static final class AluMr32 extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.aluToRm32(aux(w) & 7, w, o, c.regs[reg(w)]);
            return 1;
        }
    }

    private static final class AluRm32 extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int kind = aux(w) & 7, r = reg(w);
            int b = c.rm32(w, o);
            int v = c.alu32(kind, c.regs[r], b);
            if (kind != 7) {
                c.regs[r] = v;
            }
            return 1;
        }
    }

    private static final class AluMi32 extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.aluToRm32(reg(w), w, o, imm(o));
            return 1;
        }
    }

    private static final class TestMr32 extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int a = c.rm32(w, o);
            c.alu32(4, a, c.regs[reg(w)]);
            return 1;
        }
    }

    private static final class Nop extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            return 1;
        }
    }

    private static final class AluMr extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int aux = aux(w);
            int kind = aux & 7, size = aux >> 3;
            int a = kind == 7 ? c.readRm(size) : c.readRmForWrite(size);
            int r = c.alu(kind, size, a, c.getReg(size, c.reg));
            if (kind != 7) {
                c.writeRm(size, r);
            }
            return 1;
        }
    }

    private static final class AluRm extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int aux = aux(w);
            int kind = aux & 7, size = aux >> 3;
            int r = c.alu(kind, size, c.getReg(size, c.reg), c.readRm(size));
            if (kind != 7) {
                c.setReg(size, c.reg, r);
            }
            return 1;
        }
    }

    private static final class AluAi extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int aux = aux(w);
            int kind = aux & 7, size = aux >> 3;
            int r = c.alu(kind, size, c.regs[EAX], imm(o));
            if (kind != 7) {
                c.setReg(size, EAX, r);
            }
            return 1;
        }
    }

    private static final class AluMi extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int size = aux(w);
            int a = c.reg == 7 ? c.readRm(size) : c.readRmForWrite(size);
            int r = c.alu(c.reg, size, a, imm(o));
            if (c.reg != 7) {
                c.writeRm(size, r);
            }
            return 1;
        }
    }

    private static final class TestMr extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int size = aux(w);
            c.alu(4, size, c.readRm(size), c.getReg(size, c.reg));
            return 1;
        }
    }

    private static final class TestAi extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.alu(4, aux(w), c.regs[EAX], imm(o));
            return 1;
        }
    }

    private static final class MovMr extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int size = aux(w);
            c.writeRm(size, c.getReg(size, c.reg));
            return 1;
        }
    }

    private static final class MovRm extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int size = aux(w);
            c.setReg(size, c.reg, c.readRm(size));
            return 1;
        }
    }

    private static final class MovMi extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.writeRm(aux(w), imm(o));
            return 1;
        }
    }

    private static final class MovRi extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.setReg(aux(w), c.reg, imm(o));
            return 1;
        }
    }

    private static final class MovMoffs extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int aux = aux(w);
            int size = aux & 3;
            int seg = (int) (w >>> DecodedInstructions.SEG_SHIFT) & 7;
            if ((aux & 8) == 0) {
                c.setReg(size, EAX, c.readMem(size, seg, (int) o));
            } else {
                c.writeMem(size, seg, (int) o, c.getReg(size, EAX));
            }
            return 1;
        }
    }

    private static final class Lea extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.regs[reg(w)] = c.ea(w, o);
            return 1;
        }
    }

    /** INC or DEC of a 32-bit register. */
    private static final class IncDec extends Body {
        private final boolean dec;

        IncDec(boolean dec) {
            this.dec = dec;
        }

        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int r = reg(w);
            c.regs[r] = c.incDec(D, c.regs[r], dec);
            return 1;
        }
    }

    private static final class PushR extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.push(D, c.regs[reg(w)]);
            return 1;
        }
    }

    private static final class PopR extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int v = c.pop(D);
            c.regs[reg(w)] = v;
            return 1;
        }
    }

    private static final class PushI extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.push(D, imm(o));
            return 1;
        }
    }

    private static final class Jmp extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.eip += imm(o);
            return 1;
        }
    }

    private static final class Call extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.push(D, c.eip);
            c.eip += imm(o);
            return 1;
        }
    }

    private static final class Ret extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.eip = c.pop(D);
            return 1;
        }
    }

    private static final class RetN extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.eip = c.pop(D);
            c.adjustSp(imm(o));
            return 1;
        }
    }

    private static final class Leave extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int[] regs = c.regs;
            if (c.stack32()) {
                regs[ESP] = regs[EBP];
            } else {
                regs[ESP] = (regs[ESP] & 0xFFFF0000) | (regs[EBP] & 0xFFFF);
            }
            regs[EBP] = c.pop(D);
            return 1;
        }
    }

    private static final class Movx extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int size = (aux(w) & 1) == 0 ? B : W;
            int v = registerForm(w) ? c.getReg(size, rm(w)) : c.readMem(size, seg(w), c.ea(w, o));
            c.regs[reg(w)] =
                    switch (aux(w)) {
                        case 0x6, 0x7 -> v;
                        case 0xE -> (byte) v;
                        default -> (short) v;
                    };
            return 1;
        }
    }

    private static final class Setcc extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int v = c.condition(aux(w)) ? 1 : 0;
            if (registerForm(w)) {
                c.setReg(B, rm(w), v);
            } else {
                c.write8(seg(w), c.ea(w, o), v);
            }
            return 1;
        }
    }

    private static final class Shift extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            if (aux(w) == D) {
                c.shiftRm32(w, o);
                return 1;
            }
            c.decodeFields(w, o);
            int size = aux(w), imm = imm(o);
            int a = c.readRmForWrite(size); // checked as a write even for a count of 0
            int count = imm < 0 ? c.regs[ECX] & 0xFF : imm;
            if ((count & 31) != 0) {
                c.writeRm(size, c.shift(c.reg, size, a, count));
            }
            return 1;
        }
    }

    private static final class Group5 extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            switch (c.reg) {
                case 0 -> c.writeRm(D, c.incDec(D, c.readRmForWrite(D), false));
                case 1 -> c.writeRm(D, c.incDec(D, c.readRmForWrite(D), true));
                case 2 -> {
                    int target = c.readRm(D);
                    c.push(D, c.eip);
                    c.eip = target;
                }
                case 4 -> c.eip = c.readRm(D);
                default -> c.push(D, c.readRm(D));
            }
            return 1;
        }
    }

    private static final class Xchg extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.exchange(aux(w));
            return 1;
        }
    }

    private static final class Direction extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.eflags = aux(w) == 0 ? c.eflags & ~DF : c.eflags | DF;
            return 1;
        }
    }

    private static final class Group4 extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.writeRm(B, c.incDec(B, c.readRmForWrite(B), c.reg == 1));
            return 1;
        }
    }

    /** BT, BTS, BTR, BTC with an immediate bit offset: the operand size in op32, as decoded. */
    private static final class BitI extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.op32 = aux(w) == D;
            c.bitOpDecoded(c.reg - 4, imm(o));
            return 1;
        }
    }

    /** BT, BTS, BTR, BTC with a register bit offset, which may address beyond the operand. */
    private static final class BitR extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.op32 = (aux(w) & 3) == D;
            c.addr32 = true;
            c.bitOpDecoded(aux(w) >> 2, -1);
            return 1;
        }
    }

    private static final class Cmpxchg extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            c.compareExchange(aux(w));
            return 1;
        }
    }

    /** MOVS and STOS, once or with REP, from 32-bit code: the prefix state they read is set. */
    private static final class StringMoveOrStore extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int aux = aux(w);
            c.rep = (aux & 8) != 0 ? 0xF3 : 0;
            c.addr32 = true;
            c.segOverride = seg(w);
            c.stringOp((aux & 4) == 0 ? 0 : 2, aux & 3);
            return 1;
        }
    }

    private static final class Cwde extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.regs[EAX] = (short) c.regs[EAX];
            return 1;
        }
    }

    private static final class Cdq extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            c.regs[EDX] = c.regs[EAX] >> 31;
            return 1;
        }
    }

    private static final class ImulRm extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int r = reg(w);
            int b = c.rm32(w, o);
            c.regs[r] = c.imul2(D, c.regs[r], b);
            return 1;
        }
    }

    private static final class ImulRmi extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.next(w);
            int a = c.rm32(w, o);
            c.regs[reg(w)] = c.imul2(D, a, imm(o));
            return 1;
        }
    }

    private static final class Group3 extends Body {
        @Override
        int run(Cpu c, long w, long o) {
            c.decodeFields(w, o);
            int size = aux(w);
            if (c.reg <= 1) {
                c.alu(4, size, c.readRm(size), imm(o));
            } else {
                c.group3Operation(size);
            }
            return 1;
        }
    }

    /** The ALU for 32-bit operands of the decoded forms: {@link #alu} with size D. */
    private int alu32(int op, int a, int b) {
        int r;
        switch (op) {
            case 0 -> {
                r = a + b;
                setLazy(OP_ADD, D, a, b, r);
            }
            case 1 -> {
                r = a | b;
                setLazy(OP_LOGIC, D, a, b, r);
            }
            case 2 -> {
                boolean c = cf();
                r = a + b + (c ? 1 : 0);
                setLazy(OP_ADC, D, a, b, r);
                lazyCarry = c;
            }
            case 3 -> {
                boolean c = cf();
                r = a - b - (c ? 1 : 0);
                setLazy(OP_SBB, D, a, b, r);
                lazyCarry = c;
            }
            case 4 -> {
                r = a & b;
                setLazy(OP_LOGIC, D, a, b, r);
            }
            case 5, 7 -> {
                r = a - b;
                setLazy(OP_SUB, D, a, b, r);
            }
            default -> {
                r = a ^ b;
                setLazy(OP_LOGIC, D, a, b, r);
            }
        }
        return r;
    }

    // ---------------------------------------------------------------- execution

    private void step() {
        // Without prefixes no instruction is longer than 15 bytes: the limit is applied once a
        // prefix has been seen.
        fetchEnd = fetchLen;
        boolean d = (segAttr[CS] & ATTR_DB) != 0;
        op32 = d;
        addr32 = d;
        segOverride = -1;
        rep = 0;
        int b = fetch8();
        if (!PREFIX[b]) {
            execute(b);
            return;
        }
        boolean lock = false;
        limitFetch();
        for (; ; b = fetch8()) {
            switch (b) {
                case 0x26 -> segOverride = ES;
                case 0x2E -> segOverride = CS;
                case 0x36 -> segOverride = SS;
                case 0x3E -> segOverride = DS;
                case 0x64 -> segOverride = FS;
                case 0x65 -> segOverride = GS;
                case 0x66 -> op32 = !d;
                case 0x67 -> addr32 = !d;
                case 0xF0 -> lock = true;
                case 0xF2, 0xF3 -> rep = b;
                default -> {
                    if (lock) {
                        checkLock(b);
                    }
                    execute(b);
                    return;
                }
            }
        }
    }

    private static final boolean[] PREFIX = new boolean[256];

    static {
        for (int p : new int[] {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}) {
            PREFIX[p] = true;
        }
    }

    /**
     * LOCK is valid only on the read-modify-write instructions the SDM lists (vol. 2, LOCK) and
     * only with a memory destination; anything else raises #UD before the instruction runs.
     */
    private void checkLock(int op) {
        int save = eip;
        boolean ok;
        int modrm;
        if (op == 0x0F) {
            int op2 = fetch8();
            modrm = fetch8();
            int regField = (modrm >> 3) & 7;
            ok =
                    switch (op2) {
                        case 0xAB, 0xB3, 0xBB, 0xB0, 0xB1, 0xC0, 0xC1 -> true;
                        case 0xBA -> regField >= 5;
                        case 0xC7 -> regField == 1;
                        default -> false;
                    };
        } else {
            modrm = fetch8();
            int regField = (modrm >> 3) & 7;
            ok =
                    switch (op) {
                        case 0x00,
                                0x01,
                                0x08,
                                0x09,
                                0x10,
                                0x11,
                                0x18,
                                0x19,
                                0x20,
                                0x21,
                                0x28,
                                0x29,
                                0x30,
                                0x31,
                                0x86,
                                0x87 ->
                                true;
                        case 0x80, 0x81, 0x82, 0x83 -> regField != 7;
                        case 0xF6, 0xF7 -> regField == 2 || regField == 3;
                        case 0xFE, 0xFF -> regField <= 1;
                        default -> false;
                    };
        }
        eip = save;
        if (!ok || modrm >> 6 == 3) {
            throw ud();
        }
    }

    // The opcode map is split over three methods by range: HotSpot compiles one switch of 256 cases
    // with all their bodies poorly (a plain MOV cost half again as much as an ADD handled outside
    // it).
    private void execute(int op) {
        if (op < 0x40 && (op & 7) < 6) {
            aluForm(op);
            return;
        }
        int osz = osize();
        if (op == 0x0F) {
            execute0F(fetch8(), osz);
        } else if (op < 0x80) {
            executeLow(op, osz);
        } else if (op < 0xC0) {
            executeMiddle(op, osz);
        } else if (op < 0xE0) {
            executeHigh(op, osz);
        } else {
            executeTop(op, osz);
        }
    }

    /** One-byte opcodes 00-7F other than the ALU forms. */
    private void executeLow(int op, int osz) {
        switch (op) {
            case 0x06, 0x0E, 0x16, 0x1E -> pushSegment(osz, segSel[op >> 3]);
            case 0x07, 0x17, 0x1F -> {
                int seg = op >> 3;
                int v = peek(osz, 0);
                loadSegment(seg, v);
                adjustSp(BYTES[osz]);
                if (seg == SS) {
                    interruptShadow = true;
                }
            }
            case 0x27 -> daa();
            case 0x2F -> das();
            case 0x37 -> aaa(true);
            case 0x3F -> aaa(false);
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 ->
                    setReg(osz, op & 7, incDec(osz, getReg(osz, op & 7), false));
            case 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F ->
                    setReg(osz, op & 7, incDec(osz, getReg(osz, op & 7), true));
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> push(osz, getReg(osz, op & 7));
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F -> {
                int v = pop(osz);
                setReg(osz, op & 7, v);
            }
            case 0x60 -> pusha(osz);
            case 0x61 -> popa(osz);
            case 0x62 -> bound(osz);
            case 0x63 -> arpl();
            case 0x68 -> push(osz, fetchImm(osz));
            case 0x6A -> push(osz, (byte) fetch8());
            case 0x69, 0x6B -> {
                decodeModrm();
                int a = readRm(osz);
                int imm = op == 0x69 ? fetchImm(osz) : (byte) fetch8();
                setReg(osz, reg, imul2(osz, a, imm));
            }
            case 0x6C -> stringOp(6, B);
            case 0x6D -> stringOp(6, osz);
            case 0x6E -> stringOp(7, B);
            case 0x6F -> stringOp(7, osz);
            case 0x70,
                    0x71,
                    0x72,
                    0x73,
                    0x74,
                    0x75,
                    0x76,
                    0x77,
                    0x78,
                    0x79,
                    0x7A,
                    0x7B,
                    0x7C,
                    0x7D,
                    0x7E,
                    0x7F -> {
                int disp = (byte) fetch8();
                if (condition(op & 15)) {
                    jumpRelative(disp);
                }
            }
            default -> throw ud();
        }
    }

    /** One-byte opcodes 80-BF. */
    private void executeMiddle(int op, int osz) {
        switch (op) {
            case 0x80, 0x81, 0x82, 0x83 -> aluImmediate(op, osz);
            case 0x84, 0x85 -> {
                int size = op == 0x84 ? B : osz;
                decodeModrm();
                alu(4, size, readRm(size), getReg(size, reg));
            }
            case 0x86, 0x87 -> {
                decodeModrm();
                exchange(op == 0x86 ? B : osz);
            }
            case 0x88 -> {
                decodeModrm();
                writeRm(B, getReg(B, reg));
            }
            case 0x89 -> {
                decodeModrm();
                writeRm(osz, getReg(osz, reg));
            }
            case 0x8A -> {
                decodeModrm();
                setReg(B, reg, readRm(B));
            }
            case 0x8B -> {
                decodeModrm();
                setReg(osz, reg, readRm(osz));
            }
            case 0x8C -> {
                decodeModrm();
                if (reg > 5) {
                    throw ud();
                }
                if (mod == 3) {
                    setReg(osz, rm, segSel[reg]);
                } else {
                    writeMem(W, eaSeg, eaOff, segSel[reg]);
                }
            }
            case 0x8D -> {
                decodeModrm();
                requireMemory();
                setReg(osz, reg, eaOff);
            }
            case 0x8E -> {
                decodeModrm();
                if (reg > 5 || reg == CS) {
                    throw ud();
                }
                loadSegment(reg, readRm(W));
                if (reg == SS) {
                    interruptShadow = true;
                }
            }
            case 0x8F -> {
                int v = peek(osz, 0);
                int savedEsp = regs[ESP];
                adjustSp(BYTES[osz]);
                try {
                    decodeModrm();
                    writeRm(osz, v);
                } catch (CpuFault f) {
                    regs[ESP] = savedEsp;
                    throw f;
                }
            }
            case 0x90 -> {}
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97 -> {
                int r = op & 7;
                int a = getReg(osz, r);
                setReg(osz, r, getReg(osz, EAX));
                setReg(osz, EAX, a);
            }
            case 0x98 -> {
                if (op32) {
                    regs[EAX] = (short) regs[EAX];
                } else {
                    setReg(W, EAX, (byte) regs[EAX]);
                }
            }
            case 0x99 -> {
                if (op32) {
                    regs[EDX] = regs[EAX] >> 31;
                } else {
                    setReg(W, EDX, ((short) regs[EAX]) >> 15);
                }
            }
            case 0x9A -> {
                int off = fetchImm(osz);
                int sel = fetch16();
                farTransfer(sel, off, true, osz);
            }
            case 0x9B -> {
                if ((cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
                    throw exc(7);
                }
            }
            case 0x9C -> pushf(osz);
            case 0x9D -> popf(osz);
            case 0x9E -> {
                materializedFlags();
                int ah = (regs[EAX] >>> 8) & (SF | ZF | AF | PF | CF);
                eflags = (eflags & ~(SF | ZF | AF | PF | CF)) | ah;
            }
            case 0x9F -> setReg(B, 4, (materializedFlags() & 0xD7) | 2);
            case 0xA0, 0xA1, 0xA2, 0xA3 -> {
                int size = (op & 1) == 0 ? B : osz;
                int off = addr32 ? fetch32() : fetch16();
                if (op < 0xA2) {
                    setReg(size, EAX, readMem(size, dataSeg(), off));
                } else {
                    writeMem(size, dataSeg(), off, getReg(size, EAX));
                }
            }
            case 0xA4 -> stringOp(0, B);
            case 0xA5 -> stringOp(0, osz);
            case 0xA6 -> stringOp(1, B);
            case 0xA7 -> stringOp(1, osz);
            case 0xA8 -> alu(4, B, regs[EAX], fetch8());
            case 0xA9 -> alu(4, osz, regs[EAX], fetchImm(osz));
            case 0xAA -> stringOp(2, B);
            case 0xAB -> stringOp(2, osz);
            case 0xAC -> stringOp(3, B);
            case 0xAD -> stringOp(3, osz);
            case 0xAE -> stringOp(4, B);
            case 0xAF -> stringOp(4, osz);
            case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7 -> setReg(B, op & 7, fetch8());
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF ->
                    setReg(osz, op & 7, fetchImm(osz));
            default -> throw ud();
        }
    }

    /** One-byte opcodes C0-DF. */
    private void executeHigh(int op, int osz) {
        switch (op) {
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3 -> {
                int size = (op & 1) == 0 ? B : osz;
                decodeModrm();
                int a = readRmForWrite(size); // checked as a write even for a count of 0
                int count = op <= 0xC1 ? fetch8() : op <= 0xD1 ? 1 : regs[ECX] & 0xFF;
                if ((count & 31) != 0) {
                    writeRm(size, shift(reg, size, a, count));
                }
            }
            case 0xC2 -> {
                int n = fetch16();
                int target = pop(osz);
                eip = op32 ? target : target & 0xFFFF;
                adjustSp(n);
            }
            case 0xC3 -> {
                int target = pop(osz);
                eip = op32 ? target : target & 0xFFFF;
            }
            case 0xC4 -> loadFarPointer(ES);
            case 0xC5 -> loadFarPointer(DS);
            case 0xC6 -> {
                decodeModrm();
                writeRm(B, fetch8());
            }
            case 0xC7 -> {
                decodeModrm();
                writeRm(osz, fetchImm(osz));
            }
            case 0xC8 -> enter(osz);
            case 0xC9 -> {
                if (stack32()) {
                    regs[ESP] = regs[EBP];
                } else {
                    regs[ESP] = (regs[ESP] & 0xFFFF0000) | (regs[EBP] & 0xFFFF);
                }
                setReg(osz, EBP, pop(osz));
            }
            case 0xCA -> retFar(fetch16());
            case 0xCB -> retFar(0);
            case 0xCC -> softwareInterruptTrap(3);
            case 0xCD -> softwareInterrupt(fetch8());
            case 0xCE -> {
                if (of()) {
                    softwareInterruptTrap(4);
                }
            }
            case 0xCF -> iret();
            case 0xD4 -> {
                int base = fetch8();
                if (base == 0) {
                    throw exc(0);
                }
                int al = regs[EAX] & 0xFF;
                int r = ((al / base) << 8) | (al % base);
                setReg(W, EAX, r);
                setLazy(OP_LOGIC, B, 0, 0, r & 0xFF);
            }
            case 0xD5 -> {
                int base = fetch8();
                int r = ((regs[EAX] & 0xFF) + ((regs[EAX] >>> 8) & 0xFF) * base) & 0xFF;
                setReg(W, EAX, r);
                setLazy(OP_LOGIC, B, 0, 0, r);
            }
            case 0xD6 -> setReg(B, EAX, cf() ? 0xFF : 0);
            case 0xD7 -> {
                int off =
                        addr32
                                ? regs[EBX] + (regs[EAX] & 0xFF)
                                : (regs[EBX] + (regs[EAX] & 0xFF)) & 0xFFFF;
                setReg(B, EAX, read8(dataSeg(), off));
            }
            case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> fpu(op);
            default -> throw ud();
        }
    }

    /** One-byte opcodes E0-FF. */
    private void executeTop(int op, int osz) {
        switch (op) {
            case 0xE0, 0xE1, 0xE2 -> {
                int disp = (byte) fetch8();
                int count;
                if (addr32) {
                    count = --regs[ECX];
                } else {
                    count = (regs[ECX] - 1) & 0xFFFF;
                    setReg(W, ECX, count);
                }
                boolean take = count != 0 && (op == 0xE2 || (op == 0xE1) == zf());
                if (take) {
                    jumpRelative(disp);
                }
            }
            case 0xE3 -> {
                int disp = (byte) fetch8();
                if ((addr32 ? regs[ECX] : regs[ECX] & 0xFFFF) == 0) {
                    jumpRelative(disp);
                }
            }
            case 0xE4 -> {
                int port = fetch8();
                checkIo(port, 1);
                setReg(B, EAX, portIn(port, 1));
            }
            case 0xE5 -> {
                int port = fetch8();
                checkIo(port, BYTES[osz]);
                setReg(osz, EAX, portIn(port, BYTES[osz]));
            }
            case 0xE6 -> {
                int port = fetch8();
                checkIo(port, 1);
                portOut(port, 1, regs[EAX] & 0xFF);
            }
            case 0xE7 -> {
                int port = fetch8();
                checkIo(port, BYTES[osz]);
                portOut(port, BYTES[osz], getReg(osz, EAX));
            }
            case 0xE8 -> {
                int disp = fetchImm(osz);
                push(osz, eip);
                jumpRelative(disp);
            }
            case 0xE9 -> jumpRelative(fetchImm(osz));
            case 0xEA -> {
                int off = fetchImm(osz);
                int sel = fetch16();
                farTransfer(sel, off, false, osz);
            }
            case 0xEB -> jumpRelative((byte) fetch8());
            case 0xEC -> {
                checkIo(regs[EDX] & 0xFFFF, 1);
                setReg(B, EAX, portIn(regs[EDX] & 0xFFFF, 1));
            }
            case 0xED -> {
                checkIo(regs[EDX] & 0xFFFF, BYTES[osz]);
                setReg(osz, EAX, portIn(regs[EDX] & 0xFFFF, BYTES[osz]));
            }
            case 0xEE -> {
                checkIo(regs[EDX] & 0xFFFF, 1);
                portOut(regs[EDX] & 0xFFFF, 1, regs[EAX] & 0xFF);
            }
            case 0xEF -> {
                checkIo(regs[EDX] & 0xFFFF, BYTES[osz]);
                portOut(regs[EDX] & 0xFFFF, BYTES[osz], getReg(osz, EAX));
            }
            case 0xF1 -> softwareInterruptTrap(1);
            case 0xF4 -> {
                requirePrivilege();
                halted = true;
            }
            case 0xF5 -> setFlag(CF, !cf());
            case 0xF6 -> group3(B);
            case 0xF7 -> group3(osz);
            case 0xF8 -> setFlag(CF, false);
            case 0xF9 -> setFlag(CF, true);
            case 0xFA -> {
                checkIopl();
                eflags &= ~IF;
            }
            case 0xFB -> {
                checkIopl();
                if ((eflags & IF) == 0) {
                    interruptShadow = true;
                }
                eflags |= IF;
            }
            case 0xFC -> eflags &= ~DF;
            case 0xFD -> eflags |= DF;
            case 0xFE -> {
                decodeModrm();
                if (reg > 1) {
                    throw ud();
                }
                writeRm(B, incDec(B, readRmForWrite(B), reg == 1));
            }
            case 0xFF -> group5(osz);

            default -> throw ud();
        }
    }

    /** Group 1: ALU operation with an immediate (80-83). */
    private void aluImmediate(int op, int osz) {
        int size = op == 0x81 || op == 0x83 ? osz : B;
        decodeModrm();
        int a = reg == 7 ? readRm(size) : readRmForWrite(size);
        int imm = op == 0x83 ? (byte) fetch8() : fetchImm(size);
        int r = alu(reg, size, a, imm);
        if (reg != 7) {
            writeRm(size, r);
        }
    }

    private void softwareInterruptTrap(int vector) {
        // INT3, INTO and INT1 are delivered like INT n but without the v86 IOPL check.
        deliver(vector, vector == 1 ? INT_EXCEPTION : INT_SOFTWARE, false, 0, eip);
    }

    private void aluForm(int op) {
        int kind = op >> 3;
        int osz = osize();
        switch (op & 7) {
            case 0 -> {
                decodeModrm();
                int r = alu(kind, B, kind == 7 ? readRm(B) : readRmForWrite(B), getReg(B, reg));
                if (kind != 7) {
                    writeRm(B, r);
                }
            }
            case 1 -> {
                decodeModrm();
                int a = kind == 7 ? readRm(osz) : readRmForWrite(osz);
                int r = alu(kind, osz, a, getReg(osz, reg));
                if (kind != 7) {
                    writeRm(osz, r);
                }
            }
            case 2 -> {
                decodeModrm();
                int r = alu(kind, B, getReg(B, reg), readRm(B));
                if (kind != 7) {
                    setReg(B, reg, r);
                }
            }
            case 3 -> {
                decodeModrm();
                int r = alu(kind, osz, getReg(osz, reg), readRm(osz));
                if (kind != 7) {
                    setReg(osz, reg, r);
                }
            }
            case 4 -> {
                int r = alu(kind, B, regs[EAX], fetch8());
                if (kind != 7) {
                    setReg(B, EAX, r);
                }
            }
            default -> {
                int r = alu(kind, osz, regs[EAX], fetchImm(osz));
                if (kind != 7) {
                    setReg(osz, EAX, r);
                }
            }
        }
    }

    private void jumpRelative(int disp) {
        eip = op32 ? eip + disp : (eip + disp) & 0xFFFF;
    }

    private void requirePrivilege() {
        if (cpl != 0 || v86()) {
            throw gp(0);
        }
    }

    private void checkIopl() {
        if (!realMode() && cpl > ((eflags >> 12) & 3)) {
            throw gp(0);
        }
    }

    /**
     * IN/OUT/INS/OUTS permission: allowed when CPL <= IOPL outside virtual-8086 mode, otherwise
     * only if the 32-bit TSS's I/O permission bitmap clears every bit of the accessed ports (SDM
     * vol. 1, 19.5.2).
     */
    private void checkIo(int port, int size) {
        if (realMode() || (!v86() && cpl <= ((eflags >> 12) & 3))) {
            return;
        }
        if ((trAttr & 0x800) == 0 || (trLimit & 0xFFFFFFFFL) < 0x67) {
            throw gp(0);
        }
        int mapBase = readSystem32(trBase + 0x64) >>> 16;
        long byteOffset = mapBase + (port >>> 3);
        if (byteOffset + 1 > (trLimit & 0xFFFFFFFFL)) {
            throw gp(0);
        }
        int bits = readSystem16(trBase + (int) byteOffset);
        int mask = ((1 << size) - 1) << (port & 7);
        if ((bits & mask) != 0) {
            throw gp(0);
        }
    }

    private void pushf(int size) {
        if (v86() && ((eflags >> 12) & 3) < 3) {
            throw gp(0);
        }
        push(size, materializedFlags() & ~(VM | RF));
    }

    private void popf(int size) {
        if (v86() && ((eflags >> 12) & 3) < 3) {
            throw gp(0);
        }
        int v = pop(size);
        int mask = EFLAGS_WRITABLE & ~RF;
        if (!realMode()) {
            if (cpl > 0) {
                mask &= ~IOPL;
            }
            if (cpl > ((eflags >> 12) & 3)) {
                mask &= ~IF;
            }
        }
        if (size == W) {
            mask &= 0xFFFF;
        }
        materializedFlags();
        eflags = (eflags & ~mask) | (v & mask) | 2;
    }

    private void pusha(int size) {
        int sp = getReg(size, ESP);
        for (int r = 0; r < 8; r++) {
            push(size, r == ESP ? sp : getReg(size, r));
        }
    }

    private void popa(int size) {
        for (int r = 7; r >= 0; r--) {
            int v = pop(size);
            if (r != ESP) {
                setReg(size, r, v);
            }
        }
    }

    private void bound(int size) {
        decodeModrm();
        requireMemory();
        int idx = getReg(size, reg);
        int lo = readMem(size, eaSeg, eaOff);
        int hi = readMem(size, eaSeg, eaOff + BYTES[size]);
        if (size == W) {
            idx = (short) idx;
            lo = (short) lo;
            hi = (short) hi;
        }
        if (idx < lo || idx > hi) {
            throw exc(5);
        }
    }

    private void arpl() {
        if (realMode() || v86()) {
            throw ud();
        }
        decodeModrm();
        int dst = readRm(W);
        int src = getReg(W, reg);
        if ((dst & 3) < (src & 3)) {
            writeRm(W, (dst & ~3) | (src & 3));
            setFlag(ZF, true);
        } else {
            setFlag(ZF, false);
        }
    }

    private void loadFarPointer(int seg) {
        int osz = osize();
        decodeModrm();
        requireMemory();
        int off = readMem(osz, eaSeg, eaOff);
        int sel = read16(eaSeg, eaOff + BYTES[osz]);
        loadSegment(seg, sel);
        setReg(osz, reg, off);
        if (seg == SS) {
            interruptShadow = true;
        }
    }

    private void enter(int size) {
        int frameSize = fetch16();
        int level = fetch8() & 31;
        push(size, getReg(size, EBP));
        int frameTemp = stack32() ? regs[ESP] : regs[ESP] & 0xFFFF;
        if (level > 0) {
            int bp = regs[EBP];
            for (int i = 1; i < level; i++) {
                bp = stack32() ? bp - BYTES[size] : (bp - BYTES[size]) & 0xFFFF;
                push(size, readMem(size, SS, bp));
            }
            push(size, frameTemp);
        }
        setReg(size, EBP, frameTemp);
        if (stack32()) {
            regs[ESP] -= frameSize;
        } else {
            regs[ESP] = (regs[ESP] & 0xFFFF0000) | ((regs[ESP] - frameSize) & 0xFFFF);
        }
    }

    private int imul2(int size, int a, int b) {
        if (size == D) {
            long r = (long) a * (long) b;
            boolean over = r != (int) r;
            setResultFlags(D, (int) r, over, over);
            return (int) r;
        }
        int r = (short) a * (short) b;
        boolean over = r != (short) r;
        setResultFlags(W, r, over, over);
        return r & 0xFFFF;
    }

    private void group3(int size) {
        decodeModrm();
        if (reg <= 1) {
            alu(4, size, readRm(size), fetchImm(size));
        } else {
            group3Operation(size);
        }
    }

    /** NOT, NEG, MUL, IMUL, DIV or IDIV (the reg field) of the decoded ModRM operand. */
    private void group3Operation(int size) {
        int m = MASK[size];
        switch (reg) {
            case 2 -> writeRm(size, ~readRmForWrite(size));
            case 3 -> {
                int a = readRmForWrite(size) & m;
                int r = (-a) & m;
                setLazy(OP_SUB, size, 0, a, r);
                writeRm(size, r);
            }
            case 4 -> {
                int src = readRm(size);
                switch (size) {
                    case B -> {
                        int r = (regs[EAX] & 0xFF) * src;
                        setReg(W, EAX, r);
                        setResultFlags(B, r, (r & 0xFF00) != 0, (r & 0xFF00) != 0);
                    }
                    case W -> {
                        int r = (regs[EAX] & 0xFFFF) * src;
                        setReg(W, EAX, r);
                        setReg(W, EDX, r >>> 16);
                        setResultFlags(W, r, (r >>> 16) != 0, (r >>> 16) != 0);
                    }
                    default -> {
                        long r = (regs[EAX] & 0xFFFFFFFFL) * (src & 0xFFFFFFFFL);
                        regs[EAX] = (int) r;
                        regs[EDX] = (int) (r >>> 32);
                        boolean hi = regs[EDX] != 0;
                        setResultFlags(D, (int) r, hi, hi);
                    }
                }
            }
            case 5 -> {
                int src = readRm(size);
                switch (size) {
                    case B -> {
                        int r = (byte) regs[EAX] * (byte) src;
                        setReg(W, EAX, r);
                        boolean over = r != (byte) r;
                        setResultFlags(B, r, over, over);
                    }
                    case W -> {
                        int r = (short) regs[EAX] * (short) src;
                        setReg(W, EAX, r);
                        setReg(W, EDX, r >>> 16);
                        boolean over = r != (short) r;
                        setResultFlags(W, r, over, over);
                    }
                    default -> {
                        long r = (long) regs[EAX] * (long) src;
                        regs[EAX] = (int) r;
                        regs[EDX] = (int) (r >>> 32);
                        boolean over = r != (int) r;
                        setResultFlags(D, (int) r, over, over);
                    }
                }
            }
            case 6 -> divide(size, readRm(size) & m);
            default -> idivide(size, readRm(size));
        }
    }

    private void divide(int size, int divisor) {
        if (divisor == 0) {
            throw exc(0);
        }
        switch (size) {
            case B -> {
                int n = regs[EAX] & 0xFFFF;
                int q = n / divisor;
                if (q > 0xFF) {
                    throw exc(0);
                }
                setReg(W, EAX, ((n % divisor) << 8) | q);
            }
            case W -> {
                long n = ((regs[EDX] & 0xFFFFL) << 16) | (regs[EAX] & 0xFFFFL);
                long q = n / divisor;
                if (q > 0xFFFF) {
                    throw exc(0);
                }
                setReg(W, EAX, (int) q);
                setReg(W, EDX, (int) (n % divisor));
            }
            default -> {
                long n = ((long) regs[EDX] << 32) | (regs[EAX] & 0xFFFFFFFFL);
                long dv = divisor & 0xFFFFFFFFL;
                if (Long.compareUnsigned(regs[EDX] & 0xFFFFFFFFL, dv) >= 0) {
                    throw exc(0);
                }
                regs[EAX] = (int) Long.divideUnsigned(n, dv);
                regs[EDX] = (int) Long.remainderUnsigned(n, dv);
            }
        }
    }

    private void idivide(int size, int divisor) {
        switch (size) {
            case B -> {
                int dv = (byte) divisor;
                if (dv == 0) {
                    throw exc(0);
                }
                int n = (short) regs[EAX];
                int q = n / dv;
                if (q != (byte) q) {
                    throw exc(0);
                }
                setReg(W, EAX, ((n % dv) << 8) | (q & 0xFF));
            }
            case W -> {
                int dv = (short) divisor;
                if (dv == 0) {
                    throw exc(0);
                }
                int n = (regs[EDX] << 16) | (regs[EAX] & 0xFFFF);
                long q = (long) n / dv;
                if (q != (short) q) {
                    throw exc(0);
                }
                setReg(W, EAX, (int) q);
                setReg(W, EDX, (int) ((long) n % dv));
            }
            default -> {
                if (divisor == 0) {
                    throw exc(0);
                }
                long n = ((long) regs[EDX] << 32) | (regs[EAX] & 0xFFFFFFFFL);
                if (n == Long.MIN_VALUE && divisor == -1) {
                    throw exc(0);
                }
                long q = n / divisor;
                if (q != (int) q) {
                    throw exc(0);
                }
                regs[EAX] = (int) q;
                regs[EDX] = (int) (n % divisor);
            }
        }
    }

    private void group5(int osz) {
        decodeModrm();
        switch (reg) {
            case 0 -> writeRm(osz, incDec(osz, readRmForWrite(osz), false));
            case 1 -> writeRm(osz, incDec(osz, readRmForWrite(osz), true));
            case 2 -> {
                int target = readRm(osz);
                push(osz, eip);
                eip = op32 ? target : target & 0xFFFF;
            }
            case 3, 5 -> {
                requireMemory();
                int off = readMem(osz, eaSeg, eaOff);
                int sel = read16(eaSeg, eaOff + BYTES[osz]);
                farTransfer(sel, off, reg == 3, osz);
            }
            case 4 -> {
                int target = readRm(osz);
                eip = op32 ? target : target & 0xFFFF;
            }
            case 6 -> push(osz, readRm(osz));
            default -> throw ud();
        }
    }

    // ---------------------------------------------------------------- BCD

    private void daa() {
        int al = regs[EAX] & 0xFF;
        boolean oldCf = cf();
        boolean af = (materializedFlags() & AF) != 0;
        boolean c = false;
        if ((al & 0xF) > 9 || af) {
            c = oldCf || al > 0xF9;
            al = (al + 6) & 0xFF;
            af = true;
        } else {
            af = false;
        }
        if ((regs[EAX] & 0xFF) > 0x99 || oldCf) {
            al = (al + 0x60) & 0xFF;
            c = true;
        }
        setReg(B, EAX, al);
        bcdFlags(al, c, af);
    }

    private void das() {
        int al = regs[EAX] & 0xFF;
        int oldAl = al;
        boolean oldCf = cf();
        boolean af = (materializedFlags() & AF) != 0;
        boolean c = false;
        if ((al & 0xF) > 9 || af) {
            c = oldCf || al < 6;
            al = (al - 6) & 0xFF;
            af = true;
        } else {
            af = false;
        }
        if (oldAl > 0x99 || oldCf) {
            al = (al - 0x60) & 0xFF;
            c = true;
        }
        setReg(B, EAX, al);
        bcdFlags(al, c, af);
    }

    private void bcdFlags(int al, boolean c, boolean af) {
        setResultFlags(B, al, c, false);
        lazyMask &= ~AF;
        eflags = (eflags & ~AF) | (af ? AF : 0);
    }

    private void aaa(boolean add) {
        boolean af = (materializedFlags() & AF) != 0;
        int ax = regs[EAX] & 0xFFFF;
        if ((ax & 0xF) > 9 || af) {
            ax = add ? ax + 0x106 : ax - 0x106;
            eflags |= AF | CF;
        } else {
            eflags &= ~(AF | CF);
        }
        setReg(W, EAX, ax & 0xFF0F);
    }

    // ---------------------------------------------------------------- strings

    /** MOVS(0) CMPS(1) STOS(2) LODS(3) SCAS(4) INS(6) OUTS(7), with REP/REPE/REPNE. */
    private void stringOp(int kind, int size) {
        if (kind >= 6) {
            checkIo(regs[EDX] & 0xFFFF, BYTES[size]);
        }
        int n = BYTES[size];
        int delta = (eflags & DF) != 0 ? -n : n;
        int amask = addr32 ? -1 : 0xFFFF;
        int src = dataSeg();
        for (; ; ) {
            if (rep != 0 && (regs[ECX] & amask) == 0) {
                return;
            }
            if (rep != 0
                    && (kind == 0 || kind == 2)
                    && addr32
                    && delta > 0
                    && bulkString(kind, n, src)) {
                continue;
            }
            int si = regs[ESI] & amask, di = regs[EDI] & amask;
            switch (kind) {
                case 0 -> {
                    writeMem(size, ES, di, readMem(size, src, si));
                    advance(ESI, delta, amask);
                    advance(EDI, delta, amask);
                }
                case 1 -> {
                    // ES:EDI is read first, as real processors do: it decides which access faults.
                    int b = readMem(size, ES, di);
                    int a = readMem(size, src, si);
                    alu(7, size, a, b);
                    advance(ESI, delta, amask);
                    advance(EDI, delta, amask);
                }
                case 2 -> {
                    writeMem(size, ES, di, regs[EAX]);
                    advance(EDI, delta, amask);
                }
                case 3 -> {
                    setReg(size, EAX, readMem(size, src, si));
                    advance(ESI, delta, amask);
                }
                case 4 -> {
                    alu(7, size, regs[EAX], readMem(size, ES, di));
                    advance(EDI, delta, amask);
                }
                case 6 -> {
                    checkedLinear(ES, di, n, ACCESS_WRITE);
                    writeMem(size, ES, di, portIn(regs[EDX] & 0xFFFF, n));
                    advance(EDI, delta, amask);
                }
                default -> {
                    portOut(regs[EDX] & 0xFFFF, n, readMem(size, src, si));
                    advance(ESI, delta, amask);
                }
            }
            if (rep == 0) {
                return;
            }
            regs[ECX] = (regs[ECX] & ~amask) | ((regs[ECX] - 1) & amask);
            if (kind == 1 || kind == 4) {
                boolean z = zf();
                if ((rep == 0xF3) != z) {
                    return;
                }
            }
        }
    }

    /**
     * One run of a forward REP MOVS/STOS with 32-bit addresses that stays inside one page of plain
     * RAM on each side, done as a block: the same bytes and register updates as element by element.
     * Returns false, having changed nothing, unless every element of the run would pass the segment
     * checks and hit the fast path (a fault then happens element by element, at the right one) and,
     * for MOVS, the destination does not start inside the source (where copying element by element
     * repeats a pattern that a block copy would not).
     */
    private boolean bulkString(int kind, int n, int srcSeg) {
        int di = regs[EDI];
        int dst = segBase[ES] + di;
        int count = regs[ECX];
        int elements = (0x1000 - (dst & 0xFFF)) / n;
        int si = regs[ESI];
        int src = segBase[srcSeg] + si;
        if (kind == 0) {
            elements = Math.min(elements, (0x1000 - (src & 0xFFF)) / n);
        }
        if (Integer.compareUnsigned(count, elements) < 0) {
            elements = count;
        }
        if (elements <= 1) {
            return false;
        }
        int bytes = elements * n;
        if (!segmentCovers(ES, di, bytes, ACCESS_WRITE)) {
            return false;
        }
        int d = fastIndex(dst);
        if (fastWriteTag[d] != (dst & 0xFFFFF000)) {
            return false;
        }
        long dstOffset = fastOffset[d] + (dst & 0xFFF);
        if (kind == 0) {
            if (!segmentCovers(srcSeg, si, bytes, ACCESS_READ)) {
                return false;
            }
            int r = fastIndex(src);
            if (fastReadTag[r] != (src & 0xFFFFF000)) {
                return false;
            }
            long srcOffset = fastOffset[r] + (src & 0xFFF);
            if (dstOffset > srcOffset && dstOffset < srcOffset + bytes) {
                return false;
            }
            MemorySegment.copy(ram, srcOffset, ram, dstOffset, bytes);
            noteWrites(dstOffset, bytes);
            regs[ESI] = si + bytes;
        } else {
            int v = regs[EAX];
            switch (n) {
                case 1 -> {
                    for (int i = 0; i < bytes; i++) {
                        setRam8(dstOffset + i, (byte) v);
                    }
                }
                case 2 -> {
                    for (int i = 0; i < bytes; i += 2) {
                        setRam16(dstOffset + i, (short) v);
                    }
                }
                default -> {
                    for (int i = 0; i < bytes; i += 4) {
                        setRam32(dstOffset + i, v);
                    }
                }
            }
            noteWrites(dstOffset, bytes);
        }
        regs[EDI] = di + bytes;
        regs[ECX] = count - elements;
        return true;
    }

    /** Whether {@code len} bytes at {@code off} pass {@link #checkedLinear}'s fast path. */
    private boolean segmentCovers(int seg, int off, int len, int access) {
        return (off & 0xFFFFFFFFL) + (len - 1) <= fastLimit[(access << 3) | seg];
    }

    // A port write may move RAM (the A20 gate, PAM registers): the fast path follows.
    private int portIn(int port, int size) {
        int v = io.in(port, size);
        pollInterrupts = true;
        checkMapping();
        return v;
    }

    private void portOut(int port, int size, int value) {
        io.out(port, size, value);
        pollInterrupts = true;
        checkMapping();
    }

    private void advance(int r, int delta, int amask) {
        regs[r] = (regs[r] & ~amask) | ((regs[r] + delta) & amask);
    }

    // ---------------------------------------------------------------- x87

    private void fpu(int op) {
        if ((cr0 & (CR0_EM | CR0_TS)) != 0) {
            throw exc(7);
        }
        decodeModrm();
        try {
            x87.execute(op, mod, reg, rm, op32, x87Host);
        } catch (UnsupportedOperationException e) {
            throw ud();
        }
    }

    /** The memory operand of the current x87 instruction, and the EFLAGS it may read or set. */
    private final class X87Operand implements X87.Host {
        @Override
        public int read8(int d) {
            return Cpu.this.read8(eaSeg, eaOff + d);
        }

        @Override
        public int read16(int d) {
            return Cpu.this.read16(eaSeg, eaOff + d);
        }

        @Override
        public int read32(int d) {
            return Cpu.this.read32(eaSeg, eaOff + d);
        }

        @Override
        public void write8(int d, int v) {
            Cpu.this.write8(eaSeg, eaOff + d, v);
        }

        @Override
        public void write16(int d, int v) {
            Cpu.this.write16(eaSeg, eaOff + d, v);
        }

        @Override
        public void write32(int d, int v) {
            Cpu.this.write32(eaSeg, eaOff + d, v);
        }

        @Override
        public boolean condition(int cc) {
            return Cpu.this.condition(cc);
        }

        @Override
        public void setCompareFlags(boolean zf, boolean pf, boolean cf) {
            setFlag(OF | SF | AF, false);
            setFlag(ZF, zf);
            setFlag(PF, pf);
            setFlag(CF, cf);
        }

        @Override
        public void setAx(int v) {
            setReg(W, EAX, v);
        }
    }

    // ---------------------------------------------------------------- 0F xx

    private void execute0F(int op, int osz) {
        if (op < 0x80) {
            execute0FLow(op, osz);
        } else if (op < 0xB0) {
            execute0FMiddle(op, osz);
        } else {
            execute0FHigh(op, osz);
        }
    }

    /** Two-byte opcodes 0F 00-7F. */
    private void execute0FLow(int op, int osz) {
        switch (op) {
            case 0x00 -> group6();
            case 0x01 -> group7();
            case 0x02, 0x03 -> larLsl(op == 0x02);
            case 0x06 -> {
                requirePrivilege();
                cr0 &= ~CR0_TS;
            }
            case 0x08, 0x09 -> requirePrivilege();
            case 0x0B -> throw ud();
            case 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F -> decodeModrm(); // hint NOPs (P6)
            case 0x20 -> {
                requirePrivilege();
                decodeModrm();
                regs[rm] =
                        switch (reg) {
                            case 0 -> cr0;
                            case 2 -> cr2;
                            case 3 -> cr3;
                            case 4 -> cr4;
                            default -> throw ud();
                        };
            }
            case 0x21 -> {
                requirePrivilege();
                decodeModrm();
                regs[rm] = dr[reg];
            }
            case 0x22 -> {
                requirePrivilege();
                decodeModrm();
                writeControl(reg, regs[rm]);
            }
            case 0x23 -> {
                requirePrivilege();
                decodeModrm();
                dr[reg] = regs[rm];
            }
            case 0x30 -> {
                requirePrivilege();
                writeMsr(regs[ECX], ((long) regs[EDX] << 32) | (regs[EAX] & 0xFFFFFFFFL));
            }
            case 0x31 -> {
                if ((cr4 & CR4_TSD) != 0 && cpl != 0) {
                    throw gp(0);
                }
                long t = timestampCounter.getAsLong() + tscOffset;
                regs[EAX] = (int) t;
                regs[EDX] = (int) (t >>> 32);
            }
            case 0x34 -> sysenter();
            case 0x35 -> sysexit();
            case 0x32 -> {
                requirePrivilege();
                long v = readMsr(regs[ECX]);
                regs[EAX] = (int) v;
                regs[EDX] = (int) (v >>> 32);
            }
            case 0x40,
                    0x41,
                    0x42,
                    0x43,
                    0x44,
                    0x45,
                    0x46,
                    0x47,
                    0x48,
                    0x49,
                    0x4A,
                    0x4B,
                    0x4C,
                    0x4D,
                    0x4E,
                    0x4F -> {
                decodeModrm();
                int v = readRm(osz);
                if (condition(op & 15)) {
                    setReg(osz, reg, v);
                }
            }
            default -> throw ud();
        }
    }

    /** Two-byte opcodes 0F 80-AF. */
    private void execute0FMiddle(int op, int osz) {
        switch (op) {
            case 0x80,
                    0x81,
                    0x82,
                    0x83,
                    0x84,
                    0x85,
                    0x86,
                    0x87,
                    0x88,
                    0x89,
                    0x8A,
                    0x8B,
                    0x8C,
                    0x8D,
                    0x8E,
                    0x8F -> {
                int disp = fetchImm(osz);
                if (condition(op & 15)) {
                    jumpRelative(disp);
                }
            }
            case 0x90,
                    0x91,
                    0x92,
                    0x93,
                    0x94,
                    0x95,
                    0x96,
                    0x97,
                    0x98,
                    0x99,
                    0x9A,
                    0x9B,
                    0x9C,
                    0x9D,
                    0x9E,
                    0x9F -> {
                decodeModrm();
                writeRm(B, condition(op & 15) ? 1 : 0);
            }
            case 0xA0, 0xA8 -> pushSegment(osz, segSel[op == 0xA0 ? FS : GS]);
            case 0xA1, 0xA9 -> {
                int seg = op == 0xA1 ? FS : GS;
                int v = peek(osz, 0);
                loadSegment(seg, v);
                adjustSp(BYTES[osz]);
            }
            case 0xA2 -> cpuid();
            case 0xA3 -> bitOp(0);
            case 0xAB -> bitOp(1);
            case 0xA4, 0xA5, 0xAC, 0xAD -> {
                decodeModrm();
                int dst = readRmForWrite(osz);
                int count = (op & 1) == 0 ? fetch8() : regs[ECX] & 0xFF;
                if ((count & 31) != 0) {
                    writeRm(osz, doubleShift(op < 0xA8, osz, dst, getReg(osz, reg), count));
                }
            }
            case 0xAF -> {
                decodeModrm();
                setReg(osz, reg, imul2(osz, getReg(osz, reg), readRm(osz)));
            }
            default -> throw ud();
        }
    }

    /** Two-byte opcodes 0F B0-FF. */
    private void execute0FHigh(int op, int osz) {
        switch (op) {
            case 0xB3 -> bitOp(2);
            case 0xBB -> bitOp(3);
            case 0xBA -> {
                decodeModrm();
                if (reg < 4) {
                    throw ud();
                }
                bitOpDecoded(reg - 4, fetch8());
            }
            case 0xB0, 0xB1 -> {
                decodeModrm();
                compareExchange(op == 0xB0 ? B : osz);
            }
            case 0xB2 -> loadFarPointer(SS);
            case 0xB4 -> loadFarPointer(FS);
            case 0xB5 -> loadFarPointer(GS);
            case 0xB6, 0xB7 -> {
                decodeModrm();
                int v = op == 0xB6 ? readRm(B) : readRm(W);
                setReg(osz, reg, v);
            }
            case 0xBE, 0xBF -> {
                decodeModrm();
                int v = op == 0xBE ? (byte) readRm(B) : (short) readRm(W);
                setReg(osz, reg, v);
            }
            case 0xBC, 0xBD -> {
                decodeModrm();
                int v = readRm(osz) & MASK[osz];
                if (v == 0) {
                    setFlag(ZF, true);
                } else {
                    int r =
                            op == 0xBC
                                    ? Integer.numberOfTrailingZeros(v)
                                    : 31 - Integer.numberOfLeadingZeros(v);
                    setReg(osz, reg, r);
                    setFlag(ZF, false);
                }
            }
            case 0xC0, 0xC1 -> {
                int size = op == 0xC0 ? B : osz;
                decodeModrm();
                int dst = readRmForWrite(size);
                int src = getReg(size, reg);
                int r = alu(0, size, dst, src);
                if (mod == 3) {
                    setReg(size, reg, dst);
                    setReg(size, rm, r);
                } else {
                    writeRm(size, r);
                    setReg(size, reg, dst);
                }
            }
            case 0xC7 -> {
                decodeModrm();
                if (reg != 1) {
                    throw ud();
                }
                requireMemory();
                int lo = read32(eaSeg, eaOff);
                int hi = read32(eaSeg, eaOff + 4);
                if (lo == regs[EAX] && hi == regs[EDX]) {
                    write32(eaSeg, eaOff, regs[EBX]);
                    write32(eaSeg, eaOff + 4, regs[ECX]);
                    setFlag(ZF, true);
                } else {
                    write32(eaSeg, eaOff, lo);
                    write32(eaSeg, eaOff + 4, hi);
                    regs[EAX] = lo;
                    regs[EDX] = hi;
                    setFlag(ZF, false);
                }
            }
            case 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF ->
                    regs[op & 7] = Integer.reverseBytes(regs[op & 7]);

            default -> throw ud();
        }
    }

    /**
     * BT(0) BTS(1) BTR(2) BTC(3) with a register bit offset (which may address beyond the operand).
     */
    /** XCHG of the decoded ModRM operand and the register operand. */
    private void exchange(int size) {
        int a = readRm(size);
        writeRm(size, getReg(size, reg));
        setReg(size, reg, a);
    }

    /** CMPXCHG of the decoded ModRM operand with the accumulator. */
    private void compareExchange(int size) {
        int dst = readRmForWrite(size); // CMPXCHG always writes its destination
        alu(7, size, regs[EAX], dst);
        if (zf()) {
            writeRm(size, getReg(size, reg));
        } else {
            // The destination is written back unchanged, as the locked cycle does.
            writeRm(size, dst);
            setReg(size, EAX, dst);
        }
    }

    private void bitOp(int kind) {
        decodeModrm();
        bitOpDecoded(kind, -1);
    }

    /**
     * BT, BTS, BTR or BTC (kind 0-3) of the decoded ModRM operand, with the bit offset {@code
     * immediate} (0-255), or from the register operand when it is -1.
     */
    private void bitOpDecoded(int kind, int immediate) {
        int osz = osize();
        int bits = 8 << osz;
        int offset;
        int seg = eaSeg, off = eaOff;
        if (immediate >= 0) {
            offset = immediate & (bits - 1);
        } else {
            int raw = osz == W ? (short) getReg(W, reg) : regs[reg];
            if (mod == 3) {
                offset = raw & (bits - 1);
            } else {
                off += (raw >> (osz == W ? 4 : 5)) * BYTES[osz];
                if (!addr32) {
                    off &= 0xFFFF;
                }
                offset = raw & (bits - 1);
            }
        }
        int v =
                mod == 3
                        ? getReg(osz, rm)
                        : kind == 0 ? readMem(osz, seg, off) : readMemForWrite(osz, seg, off);
        boolean bit = ((v >>> offset) & 1) != 0;
        setFlag(CF, bit);
        if (kind == 0) {
            return;
        }
        int nv =
                switch (kind) {
                    case 1 -> v | (1 << offset);
                    case 2 -> v & ~(1 << offset);
                    default -> v ^ (1 << offset);
                };
        if (mod == 3) {
            setReg(osz, rm, nv);
        } else {
            writeMem(osz, seg, off, nv);
        }
    }

    private void writeControl(int n, int v) {
        switch (n) {
            case 0 -> {
                if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) {
                    throw gp(0);
                }
                cr0 = v | CR0_ET;
                if ((v & CR0_PE) == 0) {
                    cpl = 0;
                    fetchMoved();
                }
                flushTlb();
            }
            case 2 -> cr2 = v;
            case 3 -> {
                cr3 = v;
                flushTlb();
            }
            case 4 -> {
                if ((v & ~(CR4_TSD | CR4_PSE | CR4_PGE)) != 0) {
                    throw gp(0);
                }
                cr4 = v;
                flushTlb();
            }
            default -> throw ud();
        }
    }

    private void group6() {
        decodeModrm();
        if (realMode() || v86()) {
            throw ud();
        }
        switch (reg) {
            case 0 -> writeRm(mod == 3 ? osize() : W, ldtSel);
            case 1 -> writeRm(mod == 3 ? osize() : W, trSel);
            case 2 -> {
                requirePrivilege();
                int sel = readRm(W);
                if ((sel & 0xFFFC) == 0) {
                    ldtSel = sel;
                    ldtBase = 0;
                    ldtLimit = 0;
                    return;
                }
                if ((sel & 4) != 0) {
                    throw gp(sel & 0xFFFC);
                }
                readDescriptor(sel);
                if ((descHi & 0x1F00) != 0x0200) {
                    throw gp(sel & 0xFFFC);
                }
                if ((descHi & ATTR_P) == 0) {
                    throw exc(11, sel & 0xFFFC);
                }
                ldtSel = sel;
                ldtBase = descBase(descLo, descHi);
                ldtLimit = descLimit(descLo, descHi);
            }
            case 3 -> {
                requirePrivilege();
                int sel = readRm(W);
                if ((sel & 0xFFFC) == 0 || (sel & 4) != 0) {
                    throw gp(sel & 0xFFFC);
                }
                readDescriptor(sel);
                int type = (descHi >> 8) & 0x1F;
                if (type != 0x01 && type != 0x09) {
                    throw gp(sel & 0xFFFC);
                }
                if ((descHi & ATTR_P) == 0) {
                    throw exc(11, sel & 0xFFFC);
                }
                trSel = sel;
                trBase = descBase(descLo, descHi);
                trLimit = descLimit(descLo, descHi);
                trAttr = (descHi | 0x200) & 0x00F0FF00;
                int saved = cpl;
                cpl = 0;
                fetchMoved();
                try {
                    writeLinear32(gdtBase + (sel & 0xFFF8) + 4, descHi | 0x200);
                } finally {
                    cpl = saved;
                    fetchMoved();
                }
            }
            case 4, 5 -> {
                int sel = readRm(W);
                boolean ok = false;
                if ((sel & 0xFFFC) != 0) {
                    try {
                        readDescriptor(sel);
                        int attr = descHi;
                        int dpl = (attr >> 13) & 3;
                        boolean code = (attr & ATTR_CODE) != 0;
                        boolean conforming = code && (attr & ATTR_CONFORMING) != 0;
                        ok =
                                (attr & ATTR_S) != 0
                                        && (conforming || dpl >= Math.max(cpl, sel & 3))
                                        && (reg == 4
                                                ? !code || (attr & ATTR_WRITE_READ) != 0
                                                : !code && (attr & ATTR_WRITE_READ) != 0);
                    } catch (CpuFault f) {
                        ok = false;
                    }
                }
                setFlag(ZF, ok);
            }
            default -> throw ud();
        }
    }

    private void group7() {
        decodeModrm();
        switch (reg) {
            case 0, 1 -> {
                requireMemory();
                write16(eaSeg, eaOff, reg == 0 ? gdtLimit : idtLimit);
                int base = reg == 0 ? gdtBase : idtBase;
                write32(eaSeg, eaOff + 2, op32 ? base : base & 0xFFFFFF);
            }
            case 2, 3 -> {
                requireMemory();
                requirePrivilege();
                int limit = read16(eaSeg, eaOff);
                int base = read32(eaSeg, eaOff + 2);
                if (!op32) {
                    base &= 0xFFFFFF;
                }
                if (reg == 2) {
                    gdtLimit = limit;
                    gdtBase = base;
                } else {
                    idtLimit = limit;
                    idtBase = base;
                }
            }
            case 4 -> writeRm(mod == 3 ? osize() : W, cr0);
            case 6 -> {
                requirePrivilege();
                int v = readRm(W) & 0xF;
                // LMSW can set PE but never clear it.
                cr0 = (cr0 & ~0xE) | v | (cr0 & CR0_PE);
            }
            case 7 -> {
                requireMemory();
                requirePrivilege();
                flushTlbPage(segBase[eaSeg] + eaOff);
            }
            default -> throw ud();
        }
    }

    private void larLsl(boolean lar) {
        if (realMode() || v86()) {
            throw ud();
        }
        int osz = osize();
        decodeModrm();
        int sel = readRm(W);
        boolean ok = false;
        if ((sel & 0xFFFC) != 0) {
            try {
                readDescriptor(sel);
                int attr = descHi;
                int dpl = (attr >> 13) & 3;
                int type = (attr >> 8) & 0x1F;
                boolean conforming = (type & 0x1C) == 0x1C;
                boolean validType =
                        (attr & ATTR_S) != 0
                                || (lar
                                        ? type == 1
                                                || type == 2
                                                || type == 3
                                                || type == 4
                                                || type == 5
                                                || type == 9
                                                || type == 0xB
                                                || type == 0xC
                                        : type == 1
                                                || type == 2
                                                || type == 3
                                                || type == 9
                                                || type == 0xB);
                ok = validType && (conforming || dpl >= Math.max(cpl, sel & 3));
            } catch (CpuFault f) {
                ok = false;
            }
        }
        if (ok) {
            setReg(osz, reg, lar ? descHi & 0x00FFFF00 : descLimit(descLo, descHi));
        }
        setFlag(ZF, ok);
    }

    private void cpuid() {
        switch (regs[EAX]) {
            case 0 -> {
                regs[EAX] = 1;
                // "AtriumAtrium": this is not an Intel or AMD part and says so.
                regs[EBX] = 0x69727441; // "Atri"
                regs[EDX] = 0x74416d75; // "umAt"
                regs[ECX] = 0x6d756972; // "rium"
            }
            case 1 -> {
                regs[EAX] = 0x00000610;
                regs[EBX] = 0;
                regs[ECX] = 0;
                // Only what is implemented: FPU (0), PSE (3), TSC (4), MSR (5), CX8 (8), SEP (11),
                // PGE (13), CMOV (15).
                regs[EDX] =
                        1 | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 13)
                                | (1 << 15);
            }
            default -> {
                regs[EAX] = 0;
                regs[EBX] = 0;
                regs[ECX] = 0;
                regs[EDX] = 0;
            }
        }
    }

    /** SYSENTER (SDM vol. 2): flat ring-0 CS/SS from IA32_SYSENTER_CS, ESP/EIP from the MSRs. */
    private void sysenter() {
        if ((cr0 & CR0_PE) == 0 || (sysenterCs & 0xFFFC) == 0) {
            throw gp(0);
        }
        materializedFlags();
        eflags &= ~(VM | IF | RF);
        cpl = 0;
        fetchMoved();
        loadFlat(CS, sysenterCs & 0xFFFC, 0);
        loadFlat(SS, (sysenterCs & 0xFFFC) + 8, 0);
        regs[ESP] = sysenterEsp;
        eip = sysenterEip;
    }

    /** SYSEXIT: back to flat ring 3 at EDX with ESP = ECX. */
    private void sysexit() {
        if ((cr0 & CR0_PE) == 0 || v86() || cpl != 0 || (sysenterCs & 0xFFFC) == 0) {
            throw gp(0);
        }
        cpl = 3;
        fetchMoved();
        loadFlat(CS, ((sysenterCs & 0xFFFC) + 16) | 3, 3);
        loadFlat(SS, ((sysenterCs & 0xFFFC) + 24) | 3, 3);
        regs[ESP] = regs[ECX];
        eip = regs[EDX];
    }

    /** The fixed flat 4 GiB segments SYSENTER/SYSEXIT load without reading the GDT. */
    private void loadFlat(int seg, int sel, int dpl) {
        int attr =
                ATTR_P
                        | ATTR_S
                        | ATTR_WRITE_READ
                        | ATTR_ACCESSED
                        | ATTR_DB
                        | ATTR_G
                        | (dpl << 13)
                        | (seg == CS ? ATTR_CODE : 0);
        setCache(seg, sel & 0xFFFF, 0, 0xFFFFFFFF, attr);
    }

    private long readMsr(int msr) {
        return switch (msr) {
            case 0x10 -> timestampCounter.getAsLong() + tscOffset;
            case 0x174 -> sysenterCs & 0xFFFFFFFFL;
            case 0x175 -> sysenterEsp & 0xFFFFFFFFL;
            case 0x176 -> sysenterEip & 0xFFFFFFFFL;
            default -> throw gp(0);
        };
    }

    private void writeMsr(int msr, long v) {
        switch (msr) {
            case 0x10 -> tscOffset = v - timestampCounter.getAsLong();
            case 0x174 -> sysenterCs = (int) v;
            case 0x175 -> sysenterEsp = (int) v;
            case 0x176 -> sysenterEip = (int) v;
            default -> throw gp(0);
        }
    }
}
