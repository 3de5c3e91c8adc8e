package org.atrium.emulator.device.vga;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Absurd register values and out-of-range accesses never throw and keep the picture bounded. */
class StdVgaHostileInputTest {
    private static final int VRAM = 1 << 20;

    private static void assertBounded(StdVga vga) {
        int w = vga.surface().width();
        int h = vga.surface().height();
        assertTrue(w >= 1 && w <= BochsDispi.MAX_XRES, "width " + w);
        assertTrue(h >= 1 && h <= BochsDispi.MAX_YRES, "height " + h);
        int[] all = new int[w * h];
        vga.surface().read(0, 0, w, h, all, 0, w);
    }

    @Test
    void absurdDispiValuesAreRefusedOrClamped() {
        StdVga vga = new StdVga(VRAM);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(vga);
        bios.dispi(BochsDispi.INDEX_XRES, 65535);
        assertEquals(640, bios.dispiRead(BochsDispi.INDEX_XRES));
        bios.dispi(BochsDispi.INDEX_BPP, 7);
        assertEquals(8, bios.dispiRead(BochsDispi.INDEX_BPP));
        bios.dispi(BochsDispi.INDEX_ID, 0x1234);
        assertEquals(BochsDispi.ID5, bios.dispiRead(BochsDispi.INDEX_ID));
        bios.dispi(BochsDispi.INDEX_BANK, 0xFFFF);
        assertEquals(0, bios.dispiRead(BochsDispi.INDEX_BANK));
        bios.dispi(BochsDispi.INDEX_BPP, 32);
        bios.dispi(BochsDispi.INDEX_XRES, 2560);
        bios.dispi(BochsDispi.INDEX_YRES, 1600);
        bios.dispi(BochsDispi.INDEX_ENABLE, BochsDispi.ENABLED | BochsDispi.LFB_ENABLED);
        // 1 MiB holds only 102 lines of 2560 x 4 bytes
        assertEquals(VRAM / (2560 * 4), bios.dispiRead(BochsDispi.INDEX_YRES));
        bios.dispi(BochsDispi.INDEX_X_OFFSET, 65535);
        bios.dispi(BochsDispi.INDEX_Y_OFFSET, 65535);
        bios.dispi(BochsDispi.INDEX_VIRT_WIDTH, 65535);
        assertDoesNotThrow(() -> vga.refresh(0));
        assertBounded(vga);
        assertEquals(0, bios.dispiRead(0x7777));
    }

    @Test
    void outOfRangeMemoryAccessesAreIgnored() {
        StdVga vga = new StdVga(VRAM);
        vga.linearFramebuffer().write(VRAM - 2, 4, 0xFFFFFFFF);
        assertEquals(0xFFFF, vga.linearFramebuffer().read(VRAM - 2, 4) >>> 16);
        vga.linearFramebuffer().write(-5, 4, 1);
        vga.linearFramebuffer().write(Integer.MAX_VALUE, 4, 1);
        assertEquals(0xFFFFFFFF, vga.linearFramebuffer().read(Integer.MAX_VALUE - 1, 4));
        vga.legacyMemory().write(0x20000, 4, 1);
        assertEquals(0xFF, vga.legacyMemory().read(0x7FFFFFFF, 1));
        assertDoesNotThrow(() -> vga.refresh(0));
    }

    @Test
    void unreasonableVideoMemorySizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new StdVga(1000));
        assertThrows(IllegalArgumentException.class, () -> new StdVga(-1));
        assertThrows(IllegalArgumentException.class, () -> new StdVga(Integer.MAX_VALUE));
    }

    @Test
    void everyRegisterWithEveryValueNeverThrows() {
        StdVga vga = new StdVga(VRAM);
        BiosLikeProgrammer bios = new BiosLikeProgrammer(vga);
        for (int port = 0x3C0; port <= 0x3DF; port += 2) {
            for (int index = 0; index < 0x40; index++) {
                for (int value = 0; value < 256; value += 17) {
                    bios.out(port, index);
                    bios.out(port + 1, value);
                    vga.legacyMemory().write((index * 997 + value) & 0x1FFFF, 1, value);
                }
            }
            vga.refresh(port);
            assertBounded(vga);
        }
    }

    @Test
    void randomPortAndMemoryTrafficNeverThrows() {
        // a fixed seed keeps the test reproducible
        SplittableRandom random = new SplittableRandom(0x5EED);
        StdVga vga = new StdVga(VRAM);
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < 500; i++) {
                int size = 1 << random.nextInt(3);
                switch (random.nextInt(6)) {
                    case 0 -> vga.vgaPorts().write(random.nextInt(0x20), size, random.nextInt());
                    case 1 -> vga.monoPorts().write(random.nextInt(0x10), size, random.nextInt());
                    case 2 -> vga.dispiPorts().write(random.nextInt(2), 2, random.nextInt());
                    case 3 ->
                            vga.legacyMemory()
                                    .write(random.nextInt(0x20000), size, random.nextInt());
                    case 4 ->
                            vga.linearFramebuffer()
                                    .write(random.nextInt(VRAM), size, random.nextInt());
                    default -> vga.vgaPorts().read(random.nextInt(0x20), size);
                }
            }
            vga.refresh(random.nextLong(1L << 40));
            assertBounded(vga);
        }
    }

    @Test
    void surfaceReadOutsideTheSurfaceIsAClearError() {
        StdVga vga = new StdVga(VRAM);
        vga.refresh(0);
        int[] dst = new int[4];
        assertThrows(
                IllegalArgumentException.class,
                () -> vga.surface().read(719, 399, 2, 2, dst, 0, 2));
    }
}
