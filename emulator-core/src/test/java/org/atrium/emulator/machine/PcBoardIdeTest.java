package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.storage.ImageFormat;
import org.atrium.emulator.storage.ImageStore;
import org.atrium.emulator.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IDE controller as firmware and Linux's ata_piix see it on the board: the PCI function at
 * 00:01.1, the legacy ports of both channels and IRQ 14 through the PICs. Real image files, no
 * mocks.
 */
class PcBoardIdeTest {
    private static final int SECTORS = 2048;

    @TempDir Path dir;

    private final ManualClock time = new ManualClock();
    private PcBoard board;
    private IoPorts io;

    @AfterEach
    void close() {
        if (board != null) {
            board.close();
        }
    }

    private Path bios() throws IOException {
        return Files.write(dir.resolve("bios.bin"), new byte[64 * 1024]);
    }

    /** A raw disk whose sector N starts with "sector N" and is filled with N's low byte. */
    private Path rawDisk() throws IOException {
        byte[] image = new byte[SECTORS * 512];
        for (int s = 0; s < SECTORS; s++) {
            Arrays.fill(image, s * 512, (s + 1) * 512, (byte) s);
            byte[] label = ("sector " + s).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(label, 0, image, s * 512, label.length);
        }
        return Files.write(dir.resolve("disk.img"), image);
    }

    private void boot(List<DriveConfig> drives) throws IOException {
        board =
                new PcBoard(
                        MachineConfig.firmware(64, bios(), null).withDrives(drives),
                        time.clock(),
                        0,
                        new SilentBoardEvents());
        io = board.ports();
    }

    private int pciRead(int device, int function, int register, int size) {
        io.out(0xCF8, 4, 0x8000_0000 | (device << 11) | (function << 8) | (register & 0xFC));
        return io.in(0xCFC + (register & 3), size);
    }

    private void pciWrite(int device, int function, int register, int size, int value) {
        io.out(0xCF8, 4, 0x8000_0000 | (device << 11) | (function << 8) | (register & 0xFC));
        io.out(0xCFC + (register & 3), size, value);
    }

    /** Initialises both PICs as Linux does (vectors 0x20 and 0x28) with every line unmasked. */
    private void initPics() {
        io.out(0x20, 1, 0x11);
        io.out(0x21, 1, 0x20);
        io.out(0x21, 1, 0x04);
        io.out(0x21, 1, 0x01);
        io.out(0x21, 1, 0x00);
        io.out(0xA0, 1, 0x11);
        io.out(0xA1, 1, 0x28);
        io.out(0xA1, 1, 0x02);
        io.out(0xA1, 1, 0x01);
        io.out(0xA1, 1, 0x00);
    }

    private byte[] readData(int base, int bytes) {
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i += 2) {
            int word = io.in(base, 2);
            data[i] = (byte) word;
            data[i + 1] = (byte) (word >> 8);
        }
        return data;
    }

    @Test
    void ideFunctionIdentifiesAsPiix3WithABusMasterBar() throws IOException {
        boot(List.of());
        assertEquals(0x7010_8086, pciRead(1, 1, 0x00, 4));
        assertEquals(0x01, pciRead(1, 1, 0x0B, 1), "mass storage");
        assertEquals(0x01, pciRead(1, 1, 0x0A, 1), "IDE");
        assertEquals(0x80, pciRead(1, 1, 0x09, 1), "compatibility mode, bus-master capable");
        assertEquals(0x80, pciRead(1, 1, 0x41, 1) & 0x80, "primary decode enabled");
        assertEquals(0x80, pciRead(1, 1, 0x43, 1) & 0x80, "secondary decode enabled");
        assertEquals(0x80, pciRead(1, 0, 0x0E, 1) & 0x80, "the ISA bridge is multi-function");

        // BAR4 sizes as 16 bytes of I/O, then decodes the bus-master block where it is placed.
        pciWrite(1, 1, 0x20, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFF1, pciRead(1, 1, 0x20, 4));
        pciWrite(1, 1, 0x20, 4, 0xC000);
        pciWrite(1, 1, 0x04, 2, 0x0005);
        io.out(0xC004, 4, 0x0012_3456);
        assertEquals(0x0012_3454, io.in(0xC004, 4), "descriptor pointer, dword aligned");
        io.out(0xC00A, 1, 0x60);
        assertEquals(0x60, io.in(0xC00A, 1), "drive 0 and 1 DMA capable bits");
    }

    @Test
    void identifyAndReadSectorsThroughTheBoardRaiseIrq14() throws IOException {
        Path image = rawDisk();
        boot(List.of(DriveConfig.disk(0, image, ImageFormat.RAW, false)));
        initPics();

        io.out(0x1F6, 1, 0xA0);
        io.out(0x1F7, 1, 0xEC); // IDENTIFY DEVICE
        assertTrue(board.interrupts().pending(), "IRQ 14 asserted");
        assertEquals(0x2E, board.interrupts().acknowledge(), "vector of IRQ 14");
        assertEquals(0x58, io.in(0x3F6, 1) & 0xD9, "DRDY DSC DRQ in the alternate status");
        byte[] id = readData(0x1F0, 512);
        int lbaSectors = (id[120] & 0xFF) | (id[121] & 0xFF) << 8 | (id[122] & 0xFF) << 16;
        assertEquals(SECTORS, lbaSectors);
        StringBuilder model = new StringBuilder();
        for (int i = 54; i < 94; i += 2) {
            model.append((char) id[i + 1]).append((char) id[i]);
        }
        assertEquals("ATRIUM HARDDISK", model.toString().strip());
        assertEquals(0x50, io.in(0x1F7, 1), "the transfer ended: DRDY DSC");
        io.out(0x20, 1, 0x20);
        io.out(0xA0, 1, 0x20);

        io.out(0x1F2, 1, 2);
        io.out(0x1F3, 1, 5);
        io.out(0x1F4, 1, 0);
        io.out(0x1F5, 1, 0);
        io.out(0x1F6, 1, 0xE0); // LBA, master
        io.out(0x1F7, 1, 0x20); // READ SECTORS
        assertTrue(board.interrupts().pending());
        assertEquals(0x2E, board.interrupts().acknowledge());
        byte[] expected = Arrays.copyOfRange(Files.readAllBytes(image), 5 * 512, 7 * 512);
        assertArrayEquals(Arrays.copyOfRange(expected, 0, 512), readData(0x1F0, 512), "sector 5");
        assertEquals(0x58, io.in(0x1F7, 1) & 0xD9, "the second sector is ready");
        assertArrayEquals(
                Arrays.copyOfRange(expected, 512, 1024), readData(0x1F0, 512), "sector 6");
        assertEquals(0x50, io.in(0x1F7, 1));
    }

    @Test
    void guestWritesAndFlushReachTheImageFile() throws IOException {
        Path image = rawDisk();
        boot(List.of(DriveConfig.disk(0, image, ImageFormat.RAW, false)));
        io.out(0x1F2, 1, 1);
        io.out(0x1F3, 1, 9);
        io.out(0x1F4, 1, 0);
        io.out(0x1F5, 1, 0);
        io.out(0x1F6, 1, 0xE0);
        io.out(0x1F7, 1, 0x30); // WRITE SECTORS
        assertEquals(0x58, io.in(0x1F7, 1) & 0xD9, "the drive wants the data");
        for (int i = 0; i < 256; i++) {
            io.out(0x1F0, 2, 0xA55A);
        }
        io.out(0x1F7, 1, 0xE7); // FLUSH CACHE
        assertEquals(0x50, io.in(0x1F7, 1), "no error");
        byte[] sector = Arrays.copyOfRange(Files.readAllBytes(image), 9 * 512, 10 * 512);
        for (int i = 0; i < 512; i += 2) {
            assertEquals(0x5A, sector[i] & 0xFF);
            assertEquals(0xA5, sector[i + 1] & 0xFF);
        }
    }

    @Test
    void readOnlyDiskRefusesWritesAndKeepsTheFile() throws IOException {
        Path image = rawDisk();
        byte[] before = Files.readAllBytes(image);
        boot(List.of(DriveConfig.disk(0, image, ImageFormat.RAW, true)));
        io.out(0x1F2, 1, 1);
        io.out(0x1F3, 1, 1);
        io.out(0x1F6, 1, 0xE0);
        io.out(0x1F7, 1, 0x30);
        assertEquals(0x51, io.in(0x1F7, 1), "DRDY DSC ERR: aborted");
        assertEquals(0x04, io.in(0x1F1, 1), "ABRT");
        assertArrayEquals(before, Files.readAllBytes(image));
    }

    @Test
    void cdromOnTheSecondaryMasterShowsTheAtapiSignatureOnIrq15() throws IOException {
        Path iso = Files.write(dir.resolve("cd.iso"), new byte[16 * 2048]);
        boot(List.of(DriveConfig.cdrom(2, iso)));
        initPics();
        assertEquals(0x14, io.in(0x174, 1));
        assertEquals(0xEB, io.in(0x175, 1));
        io.out(0x176, 1, 0xA0);
        io.out(0x177, 1, 0xA1); // IDENTIFY PACKET DEVICE
        assertTrue(board.interrupts().pending());
        assertEquals(0x2F, board.interrupts().acknowledge(), "vector of IRQ 15");
        byte[] id = readData(0x170, 512);
        assertEquals(0x85, id[1] & 0xFF, "ATAPI, CD-ROM");
        assertEquals(0, io.in(0x1F7, 1), "the primary channel is empty");
    }

    @Test
    void qcow2OverlayReadsItsBackingImage() throws IOException {
        Path image = rawDisk();
        new ImageStore(dir).createOverlay("overlay.qcow2", "disk.img", ImageFormat.RAW);
        boot(List.of(DriveConfig.disk(0, dir.resolve("overlay.qcow2"), ImageFormat.QCOW2, false)));
        io.out(0x1F2, 1, 1);
        io.out(0x1F3, 1, 7);
        io.out(0x1F4, 1, 0);
        io.out(0x1F5, 1, 0);
        io.out(0x1F6, 1, 0xE0);
        io.out(0x1F7, 1, 0x20);
        assertArrayEquals(
                Arrays.copyOfRange(Files.readAllBytes(image), 7 * 512, 8 * 512),
                readData(0x1F0, 512));
    }

    @Test
    void corruptImageIsRefusedWithAMessageNamingIt() throws IOException {
        Path bad =
                Files.write(
                        dir.resolve("bad.qcow2"),
                        "QFI\u00fbgarbage".getBytes(StandardCharsets.ISO_8859_1));
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> boot(List.of(DriveConfig.disk(0, bad, ImageFormat.QCOW2, false))));
        assertTrue(e.getMessage().contains("bad.qcow2"), e.getMessage());
        assertTrue(e.getMessage().contains("qcow2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void twoDrivesAtOnePositionAreRefused() {
        Path a = dir.resolve("a.img");
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        MachineConfig.firmware(64, a, null)
                                .withDrives(
                                        List.of(
                                                DriveConfig.disk(0, a, ImageFormat.RAW, false),
                                                DriveConfig.cdrom(0, null))));
    }

    @Test
    void snapshotOfAChannelInTheMiddleOfAReadRestoresOntoAFreshBoard() throws IOException {
        Path image = rawDisk();
        List<DriveConfig> drives = List.of(DriveConfig.disk(0, image, ImageFormat.RAW, false));
        boot(drives);
        io.out(0x1F2, 1, 1);
        io.out(0x1F3, 1, 3);
        io.out(0x1F4, 1, 0);
        io.out(0x1F5, 1, 0);
        io.out(0x1F6, 1, 0xE0);
        io.out(0x1F7, 1, 0x20);
        byte[] first = readData(0x1F0, 100);
        var state = board.ide().snapshot();
        byte[] rest = readData(0x1F0, 412);
        board.close();
        boot(drives);
        board.ide().restore(state);
        assertArrayEquals(rest, readData(0x1F0, 412));
        assertEquals(0x50, io.in(0x1F7, 1));
        byte[] sector = Arrays.copyOfRange(Files.readAllBytes(image), 3 * 512, 4 * 512);
        assertArrayEquals(Arrays.copyOfRange(sector, 0, 100), first);
    }
}
