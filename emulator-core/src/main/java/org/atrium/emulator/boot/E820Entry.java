package org.atrium.emulator.boot;

/**
 * One range of the BIOS E820 memory map (ACPI spec, "Address Range Types") as Linux reads it from
 * {@code boot_params.e820_table}.
 */
public record E820Entry(long address, long size, int type) {
    public static final int USABLE = 1;
    public static final int RESERVED = 2;

    public E820Entry {
        if (size <= 0 || address < 0) {
            throw new IllegalArgumentException("bad E820 range " + address + "+" + size);
        }
    }
}
