package org.atrium.emulator.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.atrium.emulator.bus.CodeWatch;

/**
 * A cache of decoded instructions for {@link Cpu}: straight-line blocks of the common forms of
 * 32-bit code (CS with its D bit set), each instruction decoded once into a form number, its ModRM
 * operand's registers, effective-address recipe, displacement and immediate, so that running them
 * again needs no fetch, prefix loop, opcode dispatch chain or ModRM/SIB parse, and a block costs
 * one lookup.
 *
 * <p>A block is keyed by its offset in guest RAM (a physical location, so paging changes need no
 * flush) and the CS D bit, and keeps the block's bytes. With RAM's write tracking ({@link
 * CodeWatch}, ADR 20) a block is compared with RAM once per epoch of the watch and runs unchecked
 * while the epoch stays; any store to a page holding checked code moves the epoch on. Without it,
 * each lookup compares the bytes. Either way, whoever changed the code between two runs of it (the
 * guest through any mapping of the page, a device's DMA, a snapshot restore), the changed bytes are
 * decoded afresh. A store by the block into its own code while it runs is caught by {@link Cpu}'s
 * fast store path, which ends the block. A block ends at an unconditional control transfer (a taken
 * conditional jump leaves it too), at an instruction not decoded here (other opcodes and prefixes,
 * 16-bit code, or crossing the end of the fetch window, that is a page or CS's limit), which the
 * CPU's own decoder runs, or at 64 instructions or 128 bytes.
 */
final class DecodedInstructions {
    // Forms. GENERIC: run by the CPU's own decoder.
    static final int GENERIC = 0;
    static final int NOP = 1;
    static final int ALU_MR = 2; // 00-39 r/m op= reg (aux: kind | size << 3)
    static final int ALU_RM = 3; // 02-3B reg op= r/m
    static final int ALU_AI = 4; // 04-3D AL/EAX op= imm
    static final int ALU_MI = 5; // 80-83 r/m op= imm (kind in reg)
    static final int TEST_MR = 6; // 84, 85
    static final int TEST_AI = 7; // A8, A9
    static final int MOV_MR = 8; // 88, 89
    static final int MOV_RM = 9; // 8A, 8B
    static final int MOV_MI = 10; // C6, C7
    static final int MOV_RI = 11; // B0-BF (register in reg)
    static final int LEA = 12; // 8D with a memory operand
    static final int INC = 13; // 40-47 (register in reg)
    static final int DEC = 14; // 48-4F
    static final int PUSH_R = 15; // 50-57
    static final int POP_R = 16; // 58-5F
    static final int PUSH_I = 17; // 68, 6A
    static final int JCC = 18; // 70-7F, 0F 80-8F (condition in aux)
    static final int JMP = 19; // E9, EB
    static final int CALL = 20; // E8
    static final int RET = 21; // C3
    static final int RET_N = 22; // C2
    static final int LEAVE = 23; // C9
    static final int MOVX = 24; // 0F B6, B7, BE, BF (aux: the second opcode byte's low bits)
    static final int SETCC = 25; // 0F 90-9F
    static final int CMOV = 26; // 0F 40-4F
    static final int SHIFT = 27; // C0, C1, D0-D3 (aux: size; imm the count, or -1 for CL)
    static final int GROUP5 = 28; // FF /0 /1 /2 /4 /6
    static final int CWDE = 29; // 98
    static final int CDQ = 30; // 99
    static final int MOV_MOFFS = 31; // A0-A3 (aux: size | store << 3)
    static final int IMUL_RM = 32; // 0F AF
    static final int IMUL_RMI = 33; // 69, 6B
    // The 32-bit operand forms of the most frequent ones, with no size to look at.
    static final int ALU_MR32 = 34, ALU_RM32 = 35, ALU_MI32 = 36, TEST_MR32 = 37;
    static final int MOV_MR32 = 38, MOV_RM32 = 39;
    static final int GROUP3 = 40; // F6, F7: TEST imm, NOT, NEG, MUL, IMUL, DIV, IDIV (aux: size)
    // Forms a Linux guest's C library runs often enough that leaving them to the CPU's decoder
    // cost a block's end and a step each (ADR 24).
    static final int XCHG = 41; // 86, 87 (aux: size)
    static final int DIRECTION = 42; // FC, FD (aux: the new DF)
    static final int GROUP4 = 43; // FE /0 /1: INC, DEC r/m8
    static final int BIT_I = 44; // 0F BA /4-/7: BT, BTS, BTR, BTC r/m, imm8 (aux: size)
    // 0F A3, AB, B3, BB: BT, BTS, BTR, BTC r/m, r (aux: size | kind << 2)
    static final int BIT_R = 45;
    static final int CMPXCHG = 46; // [F0] 0F B0, B1 (aux: size)
    // [F3] A4, A5, AA, AB: MOVS, STOS (aux: size | STOS << 2 | REP << 3)
    static final int STRING = 47;

    // Operand sizes, as in Cpu.
    private static final int B = 0, W = 1, D = 2;
    private static final int DS = 3, SS = 2;
    private static final int NONE = 8;

    // Layout of the form word: form, length, reg, rm, register operand, base, index, scale,
    // effective segment, segment override + 1, aux.
    static final int LENGTH_SHIFT = 8,
            REG_SHIFT = 12,
            RM_SHIFT = 15,
            REGISTER_FORM = 1 << 18,
            BASE_SHIFT = 19,
            INDEX_SHIFT = 23,
            SCALE_SHIFT = 27,
            SEG_SHIFT = 29,
            OVERRIDE_SHIFT = 32,
            AUX_SHIFT = 35,
            AUX_MASK = 0x1F;

    // A fused group (fuse): the first instruction's word, with the form FUSED + its own form, the
    // group's length in place of its own (kept at FIRST_LENGTH_SHIFT), and the rest of the group in
    // these fields. A flag-setting form then a Jcc: the condition and the displacement (12 bits,
    // signed). A run of PUSH or POP of registers: the registers after the first, 3 bits each, and
    // how many there are (1-7; a run's first word keeps no first length, which only a Jcc group
    // reads).
    static final int FUSED = 64;
    static final int JCC_CONDITION_SHIFT = 40,
            JCC_DISPLACEMENT_SHIFT = 44,
            FIRST_LENGTH_SHIFT = 56,
            RUN_SHIFT = 40,
            RUN_EXTRA_SHIFT = 61;

    /** The most instructions in a fused run of PUSH or POP of registers. */
    static final int MAX_RUN = 8;

    // Specialized forms (specialize, ADR 23), after the fused ones. A family's forms are its first
    // plus 2 * kind (the ALU operation: ADD, OR, ADC, SBB, AND, SUB, XOR, CMP) plus 1 for a
    // register operand (0 for memory); or its first plus the condition (0-15).
    static final int ALU_MR32_BY_KIND = 105,
            ALU_RM32_BY_KIND = 121,
            ALU_MI32_BY_KIND = 137,
            ALU_MI8_BY_KIND = 153,
            MOV_RM32_BY_OPERAND = 169,
            MOV_MR32_BY_OPERAND = 171,
            MOV_RM8_BY_OPERAND = 173,
            MOV_MR8_BY_OPERAND = 175,
            JCC_BY_CONDITION = 177,
            CMOV_BY_CONDITION = 193,
            SETCC_REGISTER_BY_CONDITION = 209,
            INC32 = 225,
            DEC32 = 226,
            CMP8_MI_THEN_JCC = 227,
            CMP_MI32_THEN_JCC = 229,
            CMP_RM32_THEN_JCC = 231,
            CMP_MR32_THEN_JCC = 233,
            TEST8_REGISTERS_THEN_JCC = 235,
            TEST32_REGISTERS_THEN_JCC = 236,
            MOV_RM32_BASE = 237,
            MOV_MR32_BASE = 238,
            CMP_MI32_THEN_JZ = 239,
            CMP_RM32_THEN_JZ = 241,
            CMP_MR32_THEN_JZ = 243,
            CMP8_MI_THEN_JZ = 245,
            TEST32_REGISTERS_THEN_JZ = 247;

    // Blocks: an index by start offset into a pool of longs, filled from the start and emptied as
    // a whole when full. A block is a header (instruction count, byte length), links to the last
    // two blocks looked up after it (each its key above its index: LINK), two longs per
    // instruction, and its bytes (a long per 8, the last masked), which only a check against RAM
    // reads: so the header and the first instructions share a cache line. 2 MiB of pool hold the
    // blocks a Linux guest's kernel and shell run over and over. The index is four-way
    // set-associative, each set in order of last use: with one slot per hash value, two hot blocks
    // that shared it evicted each other, and each eviction decoded a block again into the pool,
    // which then filled and emptied every few hundred milliseconds (361 times in 27 s of md5sum and
    // a shell loop).
    private static final int WAYS = 4;
    private static final int SETS = 1 << 12;
    private static final int POOL = 1 << 18;
    static final int MAX_INSTRUCTIONS = 64;
    private static final int MAX_BYTES = 128;
    private static final int LINK = 1, INSTRUCTIONS = 3, LINK_KEY_SHIFT = 18;
    private static final int BLOCK_LONGS = INSTRUCTIONS + 2 * MAX_INSTRUCTIONS + MAX_BYTES / 8;
    private static final long EMPTY = -1;
    private static final ValueLayout.OfLong LE64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment ram;
    // The write tracking of guest RAM, or null: then every block is compared with RAM each time.
    private final CodeWatch watch;
    // The highest RAM offset from which a block's bytes, and 16 bytes of decoding beyond its last
    // instruction's start, may be read.
    private final long lastOffset;
    private final long[] keys = new long[SETS * WAYS];
    private final int[] starts = new int[SETS * WAYS];
    final long[] pool = new long[POOL];
    private int next;

    // The instruction decodeOne decoded: its form word (length included) and operands.
    private long decodedWord, decodedOperands;
    // The block returned by the last lookup, -1 after a clear.
    private int previous = -1;

    DecodedInstructions(MemorySegment ram, CodeWatch watch) {
        this.ram = ram;
        this.watch = watch;
        this.lastOffset = ram.byteSize() - (MAX_BYTES + 16);
        clear();
    }

    /** Forgets every block (reset, snapshot restore): not needed for correctness, only tidy. */
    void clear() {
        Arrays.fill(keys, EMPTY);
        next = 0;
        previous = -1;
    }

    /**
     * The pool index of the block of instructions starting at RAM offset {@code offset}, decoded
     * for 32-bit code when {@code big}, with {@code room} bytes before the end of the fetch window;
     * -1 if none can be cached there. A block's header says how many instructions it has (none: run
     * the first with the CPU's decoder); the first is at {@link #first(int)}.
     */
    int lookup(long offset, boolean big, int room) {
        if (offset > lastOffset) {
            previous = -1;
            return -1;
        }
        long key = (offset << 1) | (big ? 1 : 0);
        // Most blocks are followed by the same one as last time: its link saves a search of the
        // index (whose arrays are too large to stay in the host's first-level cache).
        int prev = previous;
        if (prev >= 0) {
            int b = linkTo(prev, key);
            if (b >= 0) {
                long header = pool[b];
                if (byteLength(header) <= room
                        && (stamp(header) == epoch() || checked(offset, b, header))) {
                    previous = b;
                    return b;
                }
            }
        }
        int first = ((int) (offset ^ (offset >>> 12)) & (SETS - 1)) * WAYS;
        for (int s = first; s < first + WAYS; s++) {
            if (keys[s] == key) {
                int b = starts[s];
                long header = pool[b];
                int length = byteLength(header);
                if (length <= room && (stamp(header) == epoch() || checked(offset, b, header))) {
                    if (s != first) {
                        // To the front of its set, which stays in order of last use.
                        System.arraycopy(keys, first, keys, first + 1, s - first);
                        System.arraycopy(starts, first, starts, first + 1, s - first);
                        keys[first] = key;
                        starts[first] = b;
                    }
                    return linked(key, b);
                }
                // Changed code, or less room: decoded afresh in the same way.
                return linked(key, build(offset, big, room, s, key));
            }
        }
        // A new block goes to the front of its set; the least recently used one leaves it.
        System.arraycopy(keys, first, keys, first + 1, WAYS - 1);
        System.arraycopy(starts, first, starts, first + 1, WAYS - 1);
        return linked(key, build(offset, big, room, first, key));
    }

    /**
     * Links the block looked up before (unless the pool was emptied since) to block {@code b} with
     * key {@code key}, and returns {@code b}.
     */
    private int linked(long key, int b) {
        int prev = previous;
        if (prev >= 0) {
            long first = pool[prev + LINK];
            if ((first >>> LINK_KEY_SHIFT) != key) {
                pool[prev + LINK + 1] = first;
            }
            pool[prev + LINK] = (key << LINK_KEY_SHIFT) | b;
        }
        previous = b;
        return b;
    }

    /** The current epoch of the write tracking; -1, which no block's stamp is, without it. */
    private long epoch() {
        return watch == null ? -1 : watch.epoch();
    }

    /**
     * The block that block {@code b} (the last looked up) was linked to, if it starts at RAM offset
     * {@code offset}, fits in {@code room} bytes and is known to match RAM in the current epoch; it
     * becomes the last looked up. Else -1: then {@link #lookup} finds it.
     */
    int linkedAfter(int b, long offset, boolean big, int room) {
        int n = linkTo(b, (offset << 1) | (big ? 1 : 0));
        if (n < 0) {
            return -1;
        }
        long header = pool[n];
        if (byteLength(header) > room || stamp(header) != epoch()) {
            return -1;
        }
        previous = n;
        return n;
    }

    /**
     * The block that block {@code b} links to with key {@code key}, or -1: a block keeps links to
     * the last two blocks looked up after it, each a key above a pool index, the last first.
     */
    private int linkTo(int b, long key) {
        long link = pool[b + LINK];
        if ((link >>> LINK_KEY_SHIFT) == key) {
            return (int) link & (POOL - 1);
        }
        link = pool[b + LINK + 1];
        if ((link >>> LINK_KEY_SHIFT) == key) {
            return (int) link & (POOL - 1);
        }
        return -1;
    }

    /**
     * Whether the block at {@code b} still matches RAM, compared byte for byte; if so, stamped with
     * the current epoch and its page watched, so that it is not compared again until that moves.
     */
    private boolean checked(long offset, int b, long header) {
        if (!matches(offset, bytes(b, header), byteLength(header))) {
            return false;
        }
        stampNow(offset, b, header);
        return true;
    }

    private void stampNow(long offset, int b, long header) {
        if (watch != null) {
            pool[b] = (header & 0xFFFF) | (watch.epoch() << 16);
            watch.watch(offset);
        }
    }

    /** The epoch in which a block was last checked against RAM. */
    static long stamp(long header) {
        return header >>> 16;
    }

    static int count(long header) {
        return (int) header & 0xFF;
    }

    static int byteLength(long header) {
        return (int) (header >>> 8) & 0xFF;
    }

    /**
     * The pool index of the first instruction (two longs: form word, operands) of the block at
     * {@code block}: right after its header and link.
     */
    static int first(int block) {
        return block + INSTRUCTIONS;
    }

    /**
     * The pool index of the copy of the bytes of the block at {@code block} with {@code header}.
     */
    private static int bytes(int block, long header) {
        return block + INSTRUCTIONS + 2 * count(header);
    }

    private boolean matches(long offset, int p, int length) {
        int full = length >>> 3;
        for (int k = 0; k < full; k++) {
            if (ram.get(LE64, offset + 8 * k) != pool[p + k]) {
                return false;
            }
        }
        int rest = length & 7;
        return rest == 0 || (ram.get(LE64, offset + 8 * full) & mask(rest)) == pool[p + full];
    }

    private static long mask(int length) {
        return (1L << (length << 3)) - 1;
    }

    private int u8(long offset, int p) {
        return ram.get(ValueLayout.JAVA_BYTE, offset + p) & 0xFF;
    }

    private int s32(long offset, int p) {
        return ram.get(LE32, offset + p);
    }

    private int build(long offset, boolean big, int room, int s, long key) {
        if (next + BLOCK_LONGS > POOL) {
            clear();
        }
        int b = next;
        int count = 0;
        int length = 0;
        int at = b + INSTRUCTIONS;
        while (count < MAX_INSTRUCTIONS && decodeOne(offset + length, big, room - length)) {
            int n = length(decodedWord);
            if (length + n > MAX_BYTES) {
                break;
            }
            pool[at + 2 * count] = decodedWord;
            pool[at + 2 * count + 1] = decodedOperands;
            count++;
            length += n;
            if (endsBlock(decodedWord)) {
                break;
            }
        }
        fuse(at, count);
        specialize(at, count);
        if (count == 0) {
            // Left to the CPU's decoder: kept as a block of none, checked on its first byte.
            length = 1;
        }
        long header = count | ((long) length << 8);
        pool[b] = header;
        pool[b + LINK] = EMPTY;
        pool[b + LINK + 1] = EMPTY;
        stampNow(offset, b, header);
        int copy = bytes(b, header);
        for (int k = 0; k < (length + 7) >>> 3; k++) {
            long bytes = ram.get(LE64, offset + 8 * k);
            pool[copy + k] = length - 8 * k >= 8 ? bytes : bytes & mask(length - 8 * k);
        }
        keys[s] = key;
        starts[s] = b;
        next = copy + ((length + 7) >>> 3);
        return b;
    }

    /**
     * Fuses groups of the {@code count} instructions at pool index {@code at} that run as one body,
     * each saving the run loop a dispatch: a flag-setting instruction and the Jcc after it (a
     * compare and its branch), and runs of up to {@link #MAX_RUN} one-byte PUSH or POP of registers
     * (a function's prologue and epilogue, a table cleared on the stack). The first instruction's
     * word describes the group (its form is {@link #FUSED} plus its own); the others keep their
     * slots, which the run loop steps over, so that a block's instruction count and layout stay as
     * they were.
     */
    private void fuse(int at, int count) {
        for (int i = 0; i + 1 < count; i++) {
            long word = pool[at + 2 * i];
            int form = (int) word & 0xFF;
            int length = length(word);
            long then = pool[at + 2 * i + 2];
            if (setsFlagsForJcc(form) && ((int) then & 0xFF) == JCC) {
                int total = length + length(then);
                int displacement = (int) (pool[at + 2 * i + 3] >>> 32);
                if (total <= 15 && displacement >= -2048 && displacement < 2048) {
                    long condition = (then >>> AUX_SHIFT) & 0xF;
                    pool[at + 2 * i] =
                            grouped(word, total)
                                    | (condition << JCC_CONDITION_SHIFT)
                                    | ((long) (displacement & 0xFFF) << JCC_DISPLACEMENT_SHIFT);
                    i++;
                }
            } else if ((form == PUSH_R || form == POP_R) && length == 1) {
                int extra = 0;
                long registers = 0;
                while (extra < MAX_RUN - 1 && i + extra + 1 < count) {
                    long more = pool[at + 2 * (i + extra + 1)];
                    if (((int) more & 0xFF) != form || length(more) != 1) {
                        break;
                    }
                    registers |= ((more >>> REG_SHIFT) & 7) << (3 * extra);
                    extra++;
                }
                if (extra > 0) {
                    pool[at + 2 * i] =
                            (grouped(word, 1 + extra) & ~(0xFL << FIRST_LENGTH_SHIFT))
                                    | (registers << RUN_SHIFT)
                                    | ((long) extra << RUN_EXTRA_SHIFT);
                    i += extra;
                }
            }
        }
    }

    /**
     * Gives the words of a block's commonest forms a specialized form where one exists (ADR 23): a
     * 32-bit ALU form (and the 8-bit ALU with an immediate) by its ALU operation and its operand
     * (register or memory); the 32- and 8-bit MOVs by their operand, with a 32-bit MOV of [base +
     * displacement] apart; Jcc, CMOVcc and SETcc of a register by their condition; INC and DEC of a
     * 32-bit register; and a fused CMP or TEST and Jcc by its operand, apart when the Jcc is JE or
     * JNE. Each such form has a body of its own, with no switch or test on what the form fixes. The
     * words inside a fused group are specialized too: they run on their own when a group stops
     * after its first part.
     */
    private void specialize(int at, int count) {
        for (int i = 0; i < count; i++) {
            long word = pool[at + 2 * i];
            int register = (word & REGISTER_FORM) != 0 ? 1 : 0;
            int aux = (int) (word >>> AUX_SHIFT) & AUX_MASK;
            int reg = (int) (word >>> REG_SHIFT) & 7;
            boolean baseOnly =
                    register == 0
                            && ((word >>> INDEX_SHIFT) & 15) == NONE
                            && ((word >>> BASE_SHIFT) & 15) != NONE;
            boolean jz = ((word >>> JCC_CONDITION_SHIFT) & 0xE) == 4;
            int to =
                    switch ((int) word & 0xFF) {
                        case ALU_MR32 -> ALU_MR32_BY_KIND + 2 * (aux & 7) + register;
                        case ALU_RM32 -> ALU_RM32_BY_KIND + 2 * (aux & 7) + register;
                        case ALU_MI32 -> ALU_MI32_BY_KIND + 2 * reg + register;
                        case ALU_MI -> aux == B ? ALU_MI8_BY_KIND + 2 * reg + register : -1;
                        case MOV_RM32 -> baseOnly ? MOV_RM32_BASE : MOV_RM32_BY_OPERAND + register;
                        case MOV_MR32 -> baseOnly ? MOV_MR32_BASE : MOV_MR32_BY_OPERAND + register;
                        case MOV_RM -> aux == B ? MOV_RM8_BY_OPERAND + register : -1;
                        case MOV_MR -> aux == B ? MOV_MR8_BY_OPERAND + register : -1;
                        case JCC -> JCC_BY_CONDITION + (aux & 0xF);
                        case CMOV -> CMOV_BY_CONDITION + (aux & 0xF);
                        case SETCC ->
                                register == 1 ? SETCC_REGISTER_BY_CONDITION + (aux & 0xF) : -1;
                        case INC -> INC32;
                        case DEC -> DEC32;
                        case FUSED + ALU_MI ->
                                aux != B || reg != 7
                                        ? -1
                                        : (jz ? CMP8_MI_THEN_JZ : CMP8_MI_THEN_JCC) + register;
                        case FUSED + ALU_MI32 ->
                                reg != 7
                                        ? -1
                                        : (jz ? CMP_MI32_THEN_JZ : CMP_MI32_THEN_JCC) + register;
                        case FUSED + ALU_RM32 ->
                                (aux & 7) != 7
                                        ? -1
                                        : (jz ? CMP_RM32_THEN_JZ : CMP_RM32_THEN_JCC) + register;
                        case FUSED + ALU_MR32 ->
                                (aux & 7) != 7
                                        ? -1
                                        : (jz ? CMP_MR32_THEN_JZ : CMP_MR32_THEN_JCC) + register;
                        case FUSED + TEST_MR ->
                                aux == B && register == 1 ? TEST8_REGISTERS_THEN_JCC : -1;
                        case FUSED + TEST_MR32 ->
                                register == 0
                                        ? -1
                                        : jz ? TEST32_REGISTERS_THEN_JZ : TEST32_REGISTERS_THEN_JCC;
                        default -> -1;
                    };
            if (to >= 0) {
                pool[at + 2 * i] = (word & ~0xFFL) | to;
            }
        }
    }

    private static int length(long word) {
        return (int) (word >>> LENGTH_SHIFT) & 0xF;
    }

    /** The first word of a group of {@code total} bytes: its own length kept aside. */
    private static long grouped(long word, int total) {
        return (word & ~((0xFL << LENGTH_SHIFT) | 0xFF))
                | (FUSED + (word & 0xFF))
                | ((long) total << LENGTH_SHIFT)
                | ((long) length(word) << FIRST_LENGTH_SHIFT);
    }

    /** The forms whose body can end with the fused Jcc after them. */
    private static boolean setsFlagsForJcc(int form) {
        return switch (form) {
            case ALU_MR,
                    ALU_RM,
                    ALU_AI,
                    ALU_MI,
                    TEST_MR,
                    TEST_AI,
                    ALU_MR32,
                    ALU_RM32,
                    ALU_MI32,
                    TEST_MR32,
                    INC,
                    DEC,
                    GROUP3 ->
                    true;
            default -> false;
        };
    }

    /**
     * Whether {@code form} (from opcode {@code op}) is decoded with an operand-size prefix: the
     * forms whose size is in aux and that read no other operand-size state, and NOP (66 90).
     */
    private static boolean takesOperandSizePrefix(int form, int op) {
        return switch (form) {
            case ALU_MR,
                    ALU_RM,
                    ALU_AI,
                    ALU_MI,
                    TEST_MR,
                    TEST_AI,
                    MOV_MR,
                    MOV_RM,
                    MOV_MI,
                    MOV_RI,
                    SHIFT,
                    GROUP3,
                    XCHG,
                    BIT_I,
                    BIT_R,
                    CMPXCHG,
                    STRING ->
                    true;
            case NOP -> op == 0x90;
            default -> false;
        };
    }

    /**
     * Unconditional control transfers end a block: what follows them is another block's business. A
     * conditional jump does not: the block runs on past it when it is not taken.
     */
    private static boolean endsBlock(long word) {
        int form = (int) word & 0xFF;
        return switch (form) {
            case JMP, CALL, RET, RET_N -> true;
            case GROUP5 -> {
                int reg = (int) (word >>> REG_SHIFT) & 7;
                yield reg == 2 || reg == 4;
            }
            default -> false;
        };
    }

    /**
     * Decodes the instruction at {@code offset} into {@link #decodedWord} and {@link
     * #decodedOperands}; false when it is not one of the forms here or does not fit in {@code
     * room}.
     */
    private boolean decodeOne(long offset, boolean big, int room) {
        if (!big) {
            return false;
        }
        int p = 0;
        int override = -1;
        boolean operand16 = false;
        boolean lock = false;
        boolean repeat = false;
        int op = u8(offset, p++);
        // At most one segment override, one operand-size prefix and one LOCK or REP, in any order.
        for (int prefixes = 0; prefixes < 3; prefixes++) {
            int seg =
                    switch (op) {
                        case 0x26 -> 0;
                        case 0x2E -> 1;
                        case 0x36 -> 2;
                        case 0x3E -> 3;
                        case 0x64 -> 4;
                        case 0x65 -> 5;
                        default -> -1;
                    };
            if (seg >= 0 && override < 0) {
                override = seg;
            } else if (op == 0x66 && !operand16) {
                operand16 = true;
            } else if ((op == 0xF0 || op == 0xF3) && !lock && !repeat) {
                lock = op == 0xF0;
                repeat = op == 0xF3;
            } else {
                break;
            }
            op = u8(offset, p++);
        }
        long word = (long) (override + 1) << OVERRIDE_SHIFT;
        int form;
        int aux = 0;
        int imm = 0;
        boolean modrm = false;
        int immSize = 0; // bytes of immediate after the ModRM operand, sign-extended
        boolean immUnsigned = false;
        if (op < 0x40 && (op & 7) < 6) {
            int kind = op >> 3;
            int size = (op & 1) == 0 ? B : D;
            aux = kind | (size << 3);
            switch (op & 7) {
                case 0, 1 -> {
                    form = ALU_MR;
                    modrm = true;
                }
                case 2, 3 -> {
                    form = ALU_RM;
                    modrm = true;
                }
                default -> {
                    form = ALU_AI;
                    immSize = size == B ? 1 : 4;
                    immUnsigned = size == B;
                }
            }
        } else if (op >= 0x40 && op < 0x60) {
            form = op < 0x48 ? INC : op < 0x50 ? DEC : op < 0x58 ? PUSH_R : POP_R;
            word |= (long) (op & 7) << REG_SHIFT;
        } else if (op >= 0x70 && op < 0x80) {
            form = JCC;
            aux = op & 15;
            immSize = 1;
        } else if (op >= 0xB0 && op < 0xC0) {
            form = MOV_RI;
            word |= (long) (op & 7) << REG_SHIFT;
            aux = op < 0xB8 ? B : D;
            immSize = op < 0xB8 ? 1 : 4;
            immUnsigned = op < 0xB8;
        } else {
            switch (op) {
                case 0x68, 0x6A -> {
                    form = PUSH_I;
                    immSize = op == 0x68 ? 4 : 1;
                }
                case 0x69, 0x6B -> {
                    form = IMUL_RMI;
                    modrm = true;
                    immSize = op == 0x69 ? 4 : 1;
                }
                case 0x80, 0x81, 0x82, 0x83 -> {
                    form = ALU_MI;
                    modrm = true;
                    aux = op == 0x81 || op == 0x83 ? D : B;
                    immSize = op == 0x81 ? 4 : 1;
                    immUnsigned = aux == B;
                }
                case 0x84, 0x85 -> {
                    form = TEST_MR;
                    modrm = true;
                    aux = op == 0x84 ? B : D;
                }
                case 0x88, 0x89 -> {
                    form = MOV_MR;
                    modrm = true;
                    aux = op == 0x88 ? B : D;
                }
                case 0x8A, 0x8B -> {
                    form = MOV_RM;
                    modrm = true;
                    aux = op == 0x8A ? B : D;
                }
                case 0x8D -> {
                    form = LEA;
                    modrm = true;
                }
                case 0x90 -> form = NOP;
                case 0x98 -> form = CWDE;
                case 0x99 -> form = CDQ;
                case 0xA0, 0xA1, 0xA2, 0xA3 -> {
                    form = MOV_MOFFS;
                    aux = ((op & 1) == 0 ? B : D) | (op >= 0xA2 ? 8 : 0);
                    immSize = 4;
                }
                case 0xA8, 0xA9 -> {
                    form = TEST_AI;
                    aux = op == 0xA8 ? B : D;
                    immSize = op == 0xA8 ? 1 : 4;
                    immUnsigned = op == 0xA8;
                }
                case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3 -> {
                    form = SHIFT;
                    modrm = true;
                    aux = (op & 1) == 0 ? B : D;
                    if (op <= 0xC1) {
                        immSize = 1;
                        immUnsigned = true;
                    } else {
                        imm = op <= 0xD1 ? 1 : -1;
                    }
                }
                case 0xC2 -> {
                    form = RET_N;
                    immSize = 2;
                    immUnsigned = true;
                }
                case 0xC3 -> form = RET;
                case 0xC6, 0xC7 -> {
                    form = MOV_MI;
                    modrm = true;
                    aux = op == 0xC6 ? B : D;
                    immSize = op == 0xC6 ? 1 : 4;
                    immUnsigned = op == 0xC6;
                }
                case 0xC9 -> form = LEAVE;
                case 0x86, 0x87 -> {
                    form = XCHG;
                    modrm = true;
                    aux = op == 0x86 ? B : D;
                }
                case 0xA4, 0xA5, 0xAA, 0xAB -> {
                    form = STRING;
                    aux = ((op & 1) == 0 ? B : D) | (op >= 0xAA ? 4 : 0) | (repeat ? 8 : 0);
                    word |= (long) (override >= 0 ? override : DS) << SEG_SHIFT;
                }
                case 0xFC, 0xFD -> {
                    form = DIRECTION;
                    aux = op & 1;
                }
                case 0xFE -> {
                    form = GROUP4;
                    modrm = true;
                }
                case 0xE8 -> {
                    form = CALL;
                    immSize = 4;
                }
                case 0xE9 -> {
                    form = JMP;
                    immSize = 4;
                }
                case 0xEB -> {
                    form = JMP;
                    immSize = 1;
                }
                case 0xF6, 0xF7 -> {
                    form = GROUP3;
                    modrm = true;
                    aux = op == 0xF6 ? B : D;
                }
                case 0xFF -> {
                    form = GROUP5;
                    modrm = true;
                }
                case 0x0F -> {
                    int op2 = u8(offset, p++);
                    if (op2 >= 0x80 && op2 < 0x90) {
                        form = JCC;
                        aux = op2 & 15;
                        immSize = 4;
                    } else if (op2 >= 0x90 && op2 < 0xA0) {
                        form = SETCC;
                        modrm = true;
                        aux = op2 & 15;
                    } else if (op2 >= 0x40 && op2 < 0x50) {
                        form = CMOV;
                        modrm = true;
                        aux = op2 & 15;
                    } else if (op2 == 0xA3 || op2 == 0xAB || op2 == 0xB3 || op2 == 0xBB) {
                        form = BIT_R;
                        modrm = true;
                        aux = D | ((op2 >> 3) & 3) << 2;
                    } else if (op2 == 0xBA) {
                        form = BIT_I;
                        modrm = true;
                        aux = D;
                        immSize = 1;
                        immUnsigned = true;
                    } else if (op2 == 0xB0 || op2 == 0xB1) {
                        form = CMPXCHG;
                        modrm = true;
                        aux = op2 == 0xB0 ? B : D;
                    } else if (op2 == 0xAF) {
                        form = IMUL_RM;
                        modrm = true;
                    } else if (op2 == 0xB6 || op2 == 0xB7 || op2 == 0xBE || op2 == 0xBF) {
                        form = MOVX;
                        modrm = true;
                        aux = op2 & 0xF;
                    } else {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        int disp = 0;
        if (modrm) {
            int b = u8(offset, p++);
            int mod = b >>> 6, reg = (b >> 3) & 7, rm = b & 7;
            word |= ((long) reg << REG_SHIFT) | ((long) rm << RM_SHIFT);
            if (mod == 3) {
                if (form == LEA) {
                    // LEA of a register is #UD: the CPU's decoder raises it.
                    return false;
                }
                word |= REGISTER_FORM;
            } else {
                int base = NONE, index = NONE, scale = 0, seg = DS;
                if (rm == 4) {
                    int sib = u8(offset, p++);
                    base = sib & 7;
                    index = (sib >> 3) & 7;
                    scale = sib >>> 6;
                    if (index == 4) {
                        index = NONE;
                    }
                    if (base == 5 && mod == 0) {
                        base = NONE;
                        disp = s32(offset, p);
                        p += 4;
                    } else if (base == 4 || base == 5) {
                        seg = SS;
                    }
                } else if (rm == 5 && mod == 0) {
                    disp = s32(offset, p);
                    p += 4;
                } else {
                    base = rm;
                    if (rm == 5) {
                        seg = SS;
                    }
                }
                if (mod == 1) {
                    disp += (byte) u8(offset, p++);
                } else if (mod == 2) {
                    disp += s32(offset, p);
                    p += 4;
                }
                word |=
                        ((long) base << BASE_SHIFT)
                                | ((long) index << INDEX_SHIFT)
                                | ((long) scale << SCALE_SHIFT)
                                | ((long) (override >= 0 ? override : seg) << SEG_SHIFT);
            }
            if (form == GROUP3 && reg <= 1) {
                // TEST r/m, imm: the only member with an immediate.
                immSize = aux == B ? 1 : 4;
                immUnsigned = aux == B;
            }
            if (form == GROUP5 && (reg == 3 || reg == 5 || reg == 7)) {
                // Far CALL/JMP and the undefined /7: left to the CPU's decoder.
                return false;
            }
            if ((form == GROUP4 && reg > 1) || (form == BIT_I && reg < 4)) {
                // Undefined: #UD from the CPU's decoder.
                return false;
            }
            if (lock && mod == 3) {
                // LOCK with a register destination is #UD.
                return false;
            }
        } else {
            // No effective address to compute.
            word |= REGISTER_FORM;
        }
        if (lock ? form != CMPXCHG && form != XCHG : repeat && form != STRING) {
            // LOCK only on a read-modify-write of memory, REP only on a string form here; the
            // CPU's decoder raises #UD or runs the rest (PAUSE, REP RET).
            return false;
        }
        if (operand16) {
            if (!takesOperandSizePrefix(form, op)) {
                return false;
            }
            // The forms that take their operand size from aux run with 16-bit operands and
            // immediates; a 32-bit aux names the operand size the prefix changes.
            if (form == ALU_MR || form == ALU_RM || form == ALU_AI) {
                if ((aux >> 3) == D) {
                    aux = (aux & 7) | (W << 3);
                }
            } else if (form == STRING || form == BIT_R) {
                if ((aux & 3) == D) {
                    aux = (aux & ~3) | W;
                }
            } else if (aux == D) {
                aux = W;
            }
            if (immSize == 4) {
                immSize = 2;
            }
        }
        if (form == MOV_MOFFS) {
            disp = s32(offset, p);
            word |= (long) (override >= 0 ? override : DS) << SEG_SHIFT;
        } else if (immSize == 1) {
            imm = immUnsigned ? u8(offset, p) : (byte) u8(offset, p);
        } else if (immSize == 2) {
            imm = u8(offset, p) | (u8(offset, p + 1) << 8);
        } else if (immSize == 4) {
            imm = s32(offset, p);
        }
        p += immSize;
        if (p > room) {
            // Crosses the end of the fetch window: the CPU's decoder fetches the rest.
            return false;
        }
        if ((aux >> 3) == D && (form == ALU_MR || form == ALU_RM)) {
            form = form == ALU_MR ? ALU_MR32 : ALU_RM32;
        } else if (aux == D && form >= ALU_MI && form <= MOV_RM && form != TEST_AI) {
            form =
                    switch (form) {
                        case ALU_MI -> ALU_MI32;
                        case TEST_MR -> TEST_MR32;
                        case MOV_MR -> MOV_MR32;
                        default -> MOV_RM32;
                    };
        }
        decodedWord = word | form | ((long) aux << AUX_SHIFT) | ((long) p << LENGTH_SHIFT);
        decodedOperands = (disp & 0xFFFFFFFFL) | ((long) imm << 32);
        return true;
    }
}
