package org.atrium.emulator.device.chipset;

/** The memory controller's routing of the 0xC0000-0xFFFFF area, set through the PAM registers. */
public interface ShadowControl {
    /** Routes reads and writes of {@code [base, base + length)} to RAM (true) or ROM/nothing. */
    void shadow(int base, int length, boolean readRam, boolean writeRam);
}
