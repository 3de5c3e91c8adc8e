package org.atrium.emulator.boot;

/**
 * The CPU state the 32-bit boot protocol asks for: protected mode without paging, interrupts off,
 * {@code __BOOT_CS} (0x10) a flat 4 GiB code segment and {@code __BOOT_DS} (0x18) a flat data
 * segment in every data register, ESI pointing at {@code boot_params}, EBP/EDI/EBX zero.
 *
 * @param eip where to start: the kernel's {@code code32_start}
 * @param esi the physical address of {@code boot_params}
 * @param gdtBase a GDT holding the two flat descriptors at 0x10 and 0x18
 * @param gdtLimit its limit
 */
public record Flat32Entry(int eip, int esi, int gdtBase, int gdtLimit) {
    public static final int BOOT_CS = 0x10;
    public static final int BOOT_DS = 0x18;
}
