package org.atrium.emulator.device.vga;

/**
 * The raster timing behind Input Status 1 (port 0x3DA): a 60 Hz frame of 525 lines of about 31.8
 * microseconds, the standard 640x480 VGA timing, with the first 480 lines displayed and the
 * vertical retrace on lines 490-491. Bit 0 is set while the display is not enabled (horizontal or
 * vertical blanking), bit 3 during vertical retrace. Other modes use the same timing: programs only
 * poll the bits to pace themselves.
 */
final class VgaTiming {
    static final long FRAME_NANOS = 16_683_350;
    static final int LINES = 525;
    static final long LINE_NANOS = FRAME_NANOS / LINES;
    private static final long ACTIVE_NANOS = LINE_NANOS * 640 / 800;

    private VgaTiming() {}

    static int inputStatus1(long virtualNanos) {
        long inFrame = Math.floorMod(virtualNanos, FRAME_NANOS);
        long line = inFrame / LINE_NANOS;
        long inLine = inFrame % LINE_NANOS;
        int status = 0;
        if (line >= 480 || inLine >= ACTIVE_NANOS) {
            status |= 0x01;
        }
        if (line >= 490 && line < 492) {
            status |= 0x08;
        }
        return status;
    }
}
