package org.atrium.emulator.device.rtc;

/**
 * An MC146818 with its CMOS RAM: the 128 bytes as the chip holds them (time registers as last
 * updated, registers A-D, user RAM), the index register and the PC's NMI mask bit, and where the
 * running clock stands on the virtual time line.
 *
 * @param ram the 128 bytes at addresses 0x00-0x7F
 * @param guestSeconds the time shown (seconds since 1970, UTC) at the virtual instant {@code
 *     secondStartNanos}, which starts a second
 * @param lastUpdatedSecond the last second whose update-ended flag was raised
 * @param nextPeriodicNanos the virtual time of the next periodic tick, when periodic interrupts are
 *     enabled
 */
public record Mc146818State(
        byte[] ram,
        int index,
        boolean nmiDisabled,
        long guestSeconds,
        long secondStartNanos,
        long lastUpdatedSecond,
        long nextPeriodicNanos) {
    public Mc146818State {
        if (ram == null || ram.length != 128) {
            throw new IllegalArgumentException("MC146818 RAM must be 128 bytes");
        }
        if (index < 0 || index > 0x7F) {
            throw new IllegalArgumentException("MC146818 index out of range: " + index);
        }
        ram = ram.clone();
    }

    @Override
    public byte[] ram() {
        return ram.clone();
    }
}
