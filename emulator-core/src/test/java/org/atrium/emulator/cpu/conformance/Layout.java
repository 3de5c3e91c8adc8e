package org.atrium.emulator.cpu.conformance;

/**
 * Addresses both CPUs agree on: the native runner maps the code and data pages at these addresses
 * in its own 32-bit process, and the emulator gets the same pages at the same linear addresses.
 */
final class Layout {
    static final int CODE = 0x20000000;
    static final int MEM = 0x20010000;
    static final int MEM_SIZE = 4096;

    /** Generated memory operands stay below this offset; the stack lives above it. */
    static final int DATA_END = 0xC00;

    static final int STACK_TOP = MEM + 0xE00;

    private Layout() {}
}
