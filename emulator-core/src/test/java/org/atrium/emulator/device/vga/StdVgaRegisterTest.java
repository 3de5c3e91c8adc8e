package org.atrium.emulator.device.vga;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Register-file behaviour a BIOS relies on: flip-flop, DAC auto-increment, protection, status. */
class StdVgaRegisterTest {
    @Test
    void readingInputStatusOneResetsTheAttributeFlipFlop() {
        StdVga vga = new StdVga(1 << 20);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(vga);
        bios.in(0x3DA);
        bios.out(0x3C0, 0x05); // index
        bios.in(0x3DA); // back to "index" state
        bios.out(0x3C0, 0x06); // index again, not data for 5
        bios.out(0x3C0, 0x2A); // data for 6
        bios.out(0x3C0, 0x26); // index 6 with palette address source set
        assertEquals(0x2A, bios.in(0x3C1));
        bios.out(0x3C0, 0x00); // data completes the pair (attr[6] = 0)
        bios.out(0x3C0, 0x05);
        assertEquals(0x05, bios.in(0x3C1));
    }

    @Test
    void dacAutoIncrementsOverTriples() {
        StdVga vga = new StdVga(1 << 20);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(vga);
        bios.out(0x3C8, 10);
        for (int i = 0; i < 6; i++) {
            bios.out(0x3C9, 0x40 | i); // bit 6 is dropped by the 6-bit DAC
        }
        assertEquals(12, bios.in(0x3C8));
        bios.out(0x3C7, 10);
        assertEquals(0x03, bios.in(0x3C7));
        int[] read = new int[6];
        for (int i = 0; i < 6; i++) {
            read[i] = bios.in(0x3C9);
        }
        assertEquals(
                java.util.List.of(0, 1, 2, 3, 4, 5),
                java.util.Arrays.stream(read).boxed().toList());
    }

    @Test
    void crtcProtectBitGuardsRegistersZeroToSeven() {
        StdVga vga = new StdVga(1 << 20);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(vga);
        bios.crtc(0x01, 0x4F);
        bios.crtc(0x11, 0x80);
        bios.crtc(0x01, 0x27);
        bios.crtc(0x07, 0xFF);
        bios.out(0x3D4, 0x01);
        assertEquals(0x4F, bios.in(0x3D5));
        bios.out(0x3D4, 0x07);
        assertEquals(0x10, bios.in(0x3D5));
        bios.crtc(0x0C, 0x12); // above 7 stays writable
        bios.out(0x3D4, 0x0C);
        assertEquals(0x12, bios.in(0x3D5));
    }

    @Test
    void sixteenBitOutWritesIndexThenData() {
        StdVga vga = new StdVga(1 << 20);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(vga);
        bios.outw(0x3C4, 0x0A02);
        bios.out(0x3C4, 0x02);
        assertEquals(0x0A, bios.in(0x3C5));
        assertEquals(0x0A02, vga.vgaPorts().read(0x04, 2));
    }

    @Test
    void inputStatusOneFollowsTheVirtualClock() {
        long[] now = {0};
        StdVga vga = new StdVga(1 << 20, () -> now[0]);
        boolean sawRetrace = false;
        boolean sawActive = false;
        for (long t = 0; t < VgaTiming.FRAME_NANOS; t += 10_000) {
            now[0] = t;
            int status = vga.vgaPorts().read(0x1A, 1);
            sawRetrace |= (status & 0x08) != 0;
            sawActive |= (status & 0x01) == 0;
        }
        assertTrue(sawRetrace);
        assertTrue(sawActive);
        now[0] = 0; // start of the frame: displaying, no retrace
        int atStart = new StdVga(1 << 20, () -> 0L).vgaPorts().read(0x1A, 1);
        assertEquals(0, atStart & 0x09);
    }

    @Test
    void pollingForRetraceEndsEvenWhenTimeStandsStill() {
        StdVga vga = new StdVga(1 << 20);
        int polls = 0;
        while ((vga.vgaPorts().read(0x1A, 1) & 0x08) == 0) {
            polls++;
            assertTrue(polls < 100_000, "retrace never seen");
        }
        while ((vga.vgaPorts().read(0x1A, 1) & 0x08) != 0) {
            polls++;
            assertTrue(polls < 100_000, "retrace never ended");
        }
    }
}
