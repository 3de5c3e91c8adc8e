package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The virtio tablet as a directly booted Linux finds it: on the PCI bus at 00:03.0, its BAR and
 * interrupt set up as firmware would, driven through memory-mapped registers with its rings in
 * guest RAM, interrupting through PIRQC on IRQ 11.
 */
class PcBoardTabletTest {
    private static final int BAR = 0xFEBF0000;
    private static final int DESC = 0x10000, AVAIL = 0x11000, USED = 0x12000, BUFFERS = 0x13000;

    private final ManualClock time = new ManualClock();
    private PcBoard board;
    private IoPorts io;
    private PhysicalMemory memory;

    @TempDir Path dir;

    @BeforeEach
    void build() throws IOException {
        Path bios = Files.write(dir.resolve("bios.bin"), new byte[64 * 1024]);
        board =
                new PcBoard(
                        MachineConfig.firmware(64, bios, null),
                        time.clock(),
                        0,
                        new SilentBoardEvents());
        io = board.ports();
        memory = board.memory();
    }

    @AfterEach
    void close() {
        board.close();
    }

    private int config(int device, int offset) {
        io.out(0xCF8, 4, 0x8000_0000 | device << 11 | offset);
        return io.in(0xCFC, 4);
    }

    @Test
    void theTabletIsOnTheBusAtSlotThreeWithInterruptPinA() {
        assertEquals(0x1052_1AF4, config(3, 0x00));
        assertEquals(1, (config(3, 0x3C) >> 8) & 0xFF, "INTA#");
        board.configurePciForDirectBoot();
        assertEquals(11, config(3, 0x3C) & 0xFF, "interrupt line as firmware sets it");
        assertEquals(BAR, config(3, 0x10));
        assertEquals(11, (config(1, 0x60) >> 16) & 0xFF, "PIRQC routed to IRQ 11");
        assertEquals(0x08, io.in(0x4D1, 1) & 0x08, "IRQ 11 level-triggered");
    }

    @Test
    void aPointerEventReachesTheGuestAsAbsoluteCoordinatesOnIrq11() {
        board.enableLinearFramebuffer(1024, 768);
        board.refreshDisplay(1_000_000_000L);
        assertEquals(768, board.display().height(), "pointer pixels are the display's");
        board.configurePciForDirectBoot();
        initPics();
        // Bus master on, as Linux's pci_set_master does.
        io.out(0xCF8, 4, 0x8000_0000 | 3 << 11 | 0x04);
        io.out(0xCFC, 2, io.in(0xCFC, 2) | 0x06);
        memory.write8(BAR + 0x14, 0);
        memory.write8(BAR + 0x14, 3);
        memory.write32(BAR + 0x08, 1);
        memory.write32(BAR + 0x0C, 1); // VIRTIO_F_VERSION_1
        memory.write8(BAR + 0x14, 11);
        assertEquals(11, memory.read8(BAR + 0x14), "FEATURES_OK accepted");
        memory.write16(BAR + 0x16, 0);
        memory.write16(BAR + 0x18, 8);
        memory.write32(BAR + 0x20, DESC);
        memory.write32(BAR + 0x28, AVAIL);
        memory.write32(BAR + 0x30, USED);
        memory.write16(BAR + 0x1C, 1);
        for (int i = 0; i < 8; i++) {
            memory.write32(DESC + 16 * i, BUFFERS + 8 * i);
            memory.write32(DESC + 16 * i + 8, 8);
            memory.write16(DESC + 16 * i + 12, 2);
            memory.write16(AVAIL + 4 + 2 * i, i);
        }
        memory.write16(AVAIL + 2, 8);

        // Before DRIVER_OK the PS/2 mouse gets the pointer.
        board.pointer().pointer(100, 100, 0);
        assertEquals(0, memory.read16(USED + 2));

        memory.write8(BAR + 0x14, 15);
        board.pointer().pointer(1023, 384, 1);
        assertEquals(4, memory.read16(USED + 2));
        assertEquals(32767, memory.read32(BUFFERS + 4), "right edge");
        assertEquals(384 * 32767 / 767, memory.read32(BUFFERS + 8 + 4), "middle row");
        assertEquals(0x110, memory.read16(BUFFERS + 16 + 2), "BTN_LEFT");
        assertTrue(board.interrupts().pending());
        assertEquals(0x73, board.interrupts().acknowledge(), "IRQ 11 on the slave PIC");
        assertEquals(1, memory.read8(BAR + 0x1000), "ISR: queue interrupt");
        assertFalse(board.interrupts().pending());
    }

    @Test
    void theTabletIsPartOfABoardSnapshot() {
        board.configurePciForDirectBoot();
        assertTrue(
                board.parts().stream().anyMatch(p -> p.id().equals("pci-virtio-tablet")),
                "a part of the snapshot");
        byte[] saved = board.snapshot().tablet().function().config();
        assertEquals(
                BAR,
                java.nio.ByteBuffer.wrap(saved, 0x10, 4)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getInt(),
                "the placed BAR is in the snapshot");
    }

    private void initPics() {
        io.out(0x20, 1, 0x11);
        io.out(0x21, 1, 0x08);
        io.out(0x21, 1, 0x04);
        io.out(0x21, 1, 0x01);
        io.out(0xA0, 1, 0x11);
        io.out(0xA1, 1, 0x70);
        io.out(0xA1, 1, 0x02);
        io.out(0xA1, 1, 0x01);
        io.out(0x21, 1, 0xFB); // only the cascade
        io.out(0xA1, 1, 0xF7); // only IRQ 11
    }
}
