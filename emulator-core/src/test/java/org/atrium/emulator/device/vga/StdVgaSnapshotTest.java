package org.atrium.emulator.device.vga;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A restored adapter shows the same picture and answers the same register reads. */
class StdVgaSnapshotTest {
    private static int[] picture(StdVga vga) {
        vga.refresh(0);
        int w = vga.surface().width();
        int h = vga.surface().height();
        int[] px = new int[w * h];
        vga.surface().read(0, 0, w, h, px, 0, w);
        return px;
    }

    @Test
    void textModeRoundTrips() {
        StdVga source = new StdVga(1 << 20);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(source);
        bios.setMode3();
        bios.loadGlyph('X', new int[] {0xFF, 0x81, 0x81, 0xFF});
        bios.putChar(3, 7, 'X', 0x2E);
        StdVga target = new StdVga(1 << 20);
        target.restore(source.snapshot());
        assertArrayEquals(picture(source), picture(target));
        assertEquals(source.id(), target.id());
        BiosLikeProgrammer targetBios = new BiosLikeProgrammer(target);
        targetBios.out(0x3D4, 0x13);
        assertEquals(0x28, targetBios.in(0x3D5));
    }

    @Test
    void vbeModeRoundTrips() {
        StdVga source = new StdVga(4 << 20);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(source);
        bios.dispi(BochsDispi.INDEX_BPP, 32);
        bios.dispi(BochsDispi.INDEX_XRES, 800);
        bios.dispi(BochsDispi.INDEX_YRES, 600);
        bios.dispi(BochsDispi.INDEX_ENABLE, BochsDispi.ENABLED | BochsDispi.LFB_ENABLED);
        source.linearFramebuffer().write(4 * 1234, 4, 0x445566);
        StdVga target = new StdVga(4 << 20);
        target.restore(source.snapshot());
        assertEquals(800, new BiosLikeProgrammer(target).dispiRead(BochsDispi.INDEX_XRES));
        assertArrayEquals(picture(source), picture(target));
    }

    @Test
    void malformedStateIsRefused() {
        StdVga vga = new StdVga(1 << 20);
        StdVgaState good = vga.snapshot();
        StdVgaState shortCrtc =
                new StdVgaState(
                        good.misc(),
                        good.featureControl(),
                        good.sequencerIndex(),
                        good.sequencer(),
                        good.graphicsIndex(),
                        good.graphics(),
                        good.crtcIndex(),
                        new int[3],
                        good.attributeIndex(),
                        good.attributeExpectsData(),
                        good.attribute(),
                        good.dac(),
                        good.pelMask(),
                        good.dacReadIndex(),
                        good.dacReadComponent(),
                        good.dacWriteIndex(),
                        good.dacState(),
                        good.latches(),
                        good.dispi(),
                        good.videoMemory());
        assertThrows(IllegalArgumentException.class, () -> vga.restore(shortCrtc));
        StdVga bigger = new StdVga(2 << 20);
        assertThrows(IllegalArgumentException.class, () -> bigger.restore(good));
    }
}
