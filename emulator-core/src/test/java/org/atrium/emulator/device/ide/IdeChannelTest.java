package org.atrium.emulator.device.ide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.RecordingLine;
import org.atrium.emulator.storage.BlockBackend;
import org.atrium.emulator.storage.ImageFormat;
import org.atrium.emulator.storage.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the channel through its ports the way a PIO driver (SeaBIOS, Linux) does. */
class IdeChannelTest {
    private static final int DATA = 0;
    private static final int ERROR = 1;
    private static final int COUNT = 2;
    private static final int LBA_LOW = 3;
    private static final int LBA_MID = 4;
    private static final int LBA_HIGH = 5;
    private static final int DEVICE = 6;
    private static final int STATUS = 7;
    private static final long DISK_SECTORS = 4096;

    @TempDir Path dir;
    private final RecordingLine irq = new RecordingLine();
    private BlockBackend disk;
    private BlockBackend cd;
    private IdeChannel channel;
    private BusDevice ports;
    private BusDevice control;

    @BeforeEach
    void setUp() throws IOException {
        ImageStore store = new ImageStore(dir);
        store.createQcow2("disk.qcow2", DISK_SECTORS * 512);
        disk = store.open("disk.qcow2", ImageFormat.QCOW2, false);
        store.createRaw("cd.iso", 10 * 2048);
        try (BlockBackend iso = store.open("cd.iso", ImageFormat.RAW, false)) {
            for (int s = 0; s < 10; s++) {
                byte[] sector = new byte[2048];
                java.util.Arrays.fill(sector, (byte) (0x30 + s));
                iso.write(s * 2048L, sector, 0, 2048);
            }
        }
        cd = store.open("cd.iso", ImageFormat.RAW, true);
        channel =
                new IdeChannel(
                        irq, IdeDrive.hardDisk(disk, "DISK0001"), IdeDrive.cdrom(cd, "CD0001"));
        ports = channel.commandBlock();
        control = channel.controlBlock();
    }

    @AfterEach
    void tearDown() throws IOException {
        disk.close();
        cd.close();
    }

    private int status() {
        return ports.read(STATUS, 1);
    }

    private void select(int drive) {
        ports.write(DEVICE, 1, 0xE0 | drive << 4);
    }

    private void lba28(long lba, int count) {
        ports.write(COUNT, 1, count);
        ports.write(LBA_LOW, 1, (int) lba);
        ports.write(LBA_MID, 1, (int) (lba >> 8));
        ports.write(LBA_HIGH, 1, (int) (lba >> 16));
        ports.write(DEVICE, 1, 0xE0 | (int) (lba >> 24 & 0x0F));
    }

    private void lba48(long lba, int count) {
        ports.write(COUNT, 1, count >> 8);
        ports.write(LBA_LOW, 1, (int) (lba >> 24));
        ports.write(LBA_MID, 1, (int) (lba >> 32));
        ports.write(LBA_HIGH, 1, (int) (lba >> 40));
        ports.write(COUNT, 1, count);
        ports.write(LBA_LOW, 1, (int) lba);
        ports.write(LBA_MID, 1, (int) (lba >> 8));
        ports.write(LBA_HIGH, 1, (int) (lba >> 16));
        ports.write(DEVICE, 1, 0x40);
    }

    private byte[] readWords(int bytes) {
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i += 2) {
            int w = ports.read(DATA, 2);
            data[i] = (byte) w;
            data[i + 1] = (byte) (w >> 8);
        }
        return data;
    }

    private void writeWords(byte[] data) {
        for (int i = 0; i < data.length; i += 2) {
            ports.write(DATA, 2, (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8);
        }
    }

    private static String ataString(byte[] identify, int word, int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            s.append((char) identify[2 * (word + i) + 1]).append((char) identify[2 * (word + i)]);
        }
        return s.toString().trim();
    }

    private static int word(byte[] identify, int word) {
        return (identify[2 * word] & 0xFF) | (identify[2 * word + 1] & 0xFF) << 8;
    }

    @Test
    void identifyDescribesTheDisk() {
        select(0);
        ports.write(STATUS, 1, 0xEC);
        assertTrue(irq.level());
        assertEquals(0x58, status() & 0xF9, "DRDY, DSC, DRQ");
        assertFalse(irq.level(), "reading status acknowledges the interrupt");
        byte[] id = readWords(512);
        assertEquals(0x0040, word(id, 0));
        assertEquals("ATRIUM HARDDISK", ataString(id, 27, 20));
        assertEquals("DISK0001", ataString(id, 10, 10));
        assertEquals(DISK_SECTORS, word(id, 60) | (long) word(id, 61) << 16);
        assertEquals(DISK_SECTORS, word(id, 100) | (long) word(id, 101) << 16);
        assertTrue((word(id, 83) & 1 << 10) != 0, "48-bit addressing");
        assertEquals(0x50, status(), "transfer over");
    }

    @Test
    void writeThenReadSectors() throws IOException {
        byte[] data = new byte[3 * 512];
        new Random(1).nextBytes(data);
        lba28(5, 3);
        ports.write(STATUS, 1, 0x30);
        assertEquals(0x58, control.read(0, 1), "first block requested without an interrupt");
        assertFalse(irq.level());
        for (int block = 0; block < 3; block++) {
            writeWords(java.util.Arrays.copyOfRange(data, block * 512, block * 512 + 512));
            assertTrue(irq.level(), "an interrupt after each written block");
            assertEquals(block < 2 ? 0x58 : 0x50, status());
        }
        byte[] stored = new byte[data.length];
        disk.read(5 * 512, stored, 0, stored.length);
        assertArrayEquals(data, stored, "the sectors reached the disk");

        lba28(5, 3);
        ports.write(STATUS, 1, 0x20);
        byte[] back = new byte[3 * 512];
        for (int block = 0; block < 3; block++) {
            assertTrue(irq.level(), "an interrupt before each read block");
            assertEquals(0x58, status());
            System.arraycopy(readWords(512), 0, back, block * 512, 512);
        }
        assertArrayEquals(data, back);
        assertEquals(0x50, status());
    }

    @Test
    void lba48ReachesPastTwentyEightBits() throws IOException {
        ImageStore store = new ImageStore(dir);
        store.createQcow2("big.qcow2", 200L << 30);
        try (BlockBackend big = store.open("big.qcow2", ImageFormat.QCOW2, false)) {
            IdeChannel wide = new IdeChannel(irq, IdeDrive.hardDisk(big, "BIG"), null);
            ports = wide.commandBlock();
            long lba = 0x12345678L;
            byte[] data = new byte[512];
            new Random(2).nextBytes(data);
            lba48(lba, 1);
            ports.write(STATUS, 1, 0x34);
            writeWords(data);
            assertEquals(0x50, status());
            byte[] stored = new byte[512];
            big.read(lba * 512, stored, 0, 512);
            assertArrayEquals(data, stored);
            lba48(lba, 1);
            ports.write(STATUS, 1, 0x24);
            assertArrayEquals(data, readWords(512));
        }
    }

    @Test
    void outOfRangeAddressIsRefused() {
        lba28(DISK_SECTORS - 1, 2);
        ports.write(STATUS, 1, 0x20);
        assertTrue(irq.level());
        assertEquals(0x51, status(), "DRDY, DSC, ERR without DRQ");
        assertEquals(IdeChannel.IDNF | IdeChannel.ABRT, ports.read(ERROR, 1));
        lba28(DISK_SECTORS - 1, 1);
        ports.write(STATUS, 1, 0x20);
        assertEquals(0x58, status(), "the last sector itself is readable");
    }

    @Test
    void readMultipleInterruptsPerBlock() throws IOException {
        byte[] data = new byte[8 * 512];
        new Random(3).nextBytes(data);
        disk.write(100 * 512, data, 0, data.length);
        ports.write(COUNT, 1, 4);
        select(0);
        ports.write(STATUS, 1, 0xC6);
        assertEquals(0x50, status());
        lba28(100, 8);
        ports.write(STATUS, 1, 0xC4);
        assertEquals(0x58, status());
        int edges = irq.risingEdges();
        byte[] first = readWords(3 * 512);
        assertEquals(edges, irq.risingEdges(), "four sectors per interrupt");
        first = java.util.Arrays.copyOf(first, 4 * 512);
        System.arraycopy(readWords(512), 0, first, 3 * 512, 512);
        assertEquals(edges + 1, irq.risingEdges(), "the second block interrupts");
        assertEquals(0x58, status());
        byte[] second = readWords(4 * 512);
        assertEquals(edges + 1, irq.risingEdges(), "two blocks of four sectors");
        assertArrayEquals(java.util.Arrays.copyOf(data, 2048), first);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 2048, 4096), second);
        ports.write(COUNT, 1, 3);
        ports.write(STATUS, 1, 0xC6);
        assertEquals(0x51, status(), "a block size that is not a power of two is refused");
    }

    @Test
    void chsAddressingFollowsInitializeDeviceParameters() throws IOException {
        byte[] data = new byte[512];
        new Random(4).nextBytes(data);
        // 4 heads, 17 sectors per track: cylinder 2, head 1, sector 3 is LBA (2*4+1)*17+2 = 155.
        disk.write(155 * 512, data, 0, 512);
        ports.write(COUNT, 1, 17);
        ports.write(DEVICE, 1, 0xA0 | 3);
        ports.write(STATUS, 1, 0x91);
        assertEquals(0x50, status());
        ports.write(COUNT, 1, 1);
        ports.write(LBA_LOW, 1, 3);
        ports.write(LBA_MID, 1, 2);
        ports.write(LBA_HIGH, 1, 0);
        ports.write(DEVICE, 1, 0xA0 | 1);
        ports.write(STATUS, 1, 0x20);
        assertArrayEquals(data, readWords(512));
    }

    @Test
    void flushVerifyAndFeatures() {
        select(0);
        ports.write(STATUS, 1, 0xE7);
        assertEquals(0x50, status());
        lba28(0, 16);
        ports.write(STATUS, 1, 0x40);
        assertEquals(0x50, status());
        ports.write(1, 1, 0x03);
        ports.write(COUNT, 1, 0x0C);
        ports.write(STATUS, 1, 0xEF);
        assertEquals(0x50, status());
        ports.write(1, 1, 0x77);
        ports.write(STATUS, 1, 0xEF);
        assertEquals(0x51, status(), "an unknown subcommand aborts");
        ports.write(STATUS, 1, 0xFE);
        assertEquals(0x51, status(), "an unknown command aborts");
    }

    @Test
    void interruptDisableMasksTheLine() {
        control.write(0, 1, 0x02);
        select(0);
        ports.write(STATUS, 1, 0xEC);
        assertFalse(irq.level());
        control.write(0, 1, 0x00);
        assertTrue(irq.level(), "the pending interrupt shows once enabled");
    }

    @Test
    void softwareResetShowsSignatures() {
        control.write(0, 1, 0x04);
        assertEquals(0x80, control.read(0, 1), "busy during reset");
        control.write(0, 1, 0x00);
        assertEquals(0x50, status());
        assertEquals(1, ports.read(COUNT, 1));
        assertEquals(0, ports.read(LBA_MID, 1));
    }

    @Test
    void absentDriveReadsAsZero() {
        IdeChannel alone = new IdeChannel(irq, IdeDrive.hardDisk(disk, "X"), null);
        alone.commandBlock().write(DEVICE, 1, 0xB0);
        assertEquals(0, alone.commandBlock().read(STATUS, 1));
        alone.commandBlock().write(STATUS, 1, 0xEC);
        assertFalse(irq.level(), "nothing answers");
    }

    // ---- ATAPI ----

    private void packet(int byteLimit, int... cdb) {
        select(1);
        ports.write(1, 1, 0);
        ports.write(LBA_MID, 1, byteLimit & 0xFF);
        ports.write(LBA_HIGH, 1, byteLimit >> 8);
        ports.write(STATUS, 1, 0xA0);
        assertEquals(0x01, ports.read(COUNT, 1) & 0x03, "CoD: the drive wants the packet");
        assertEquals(0x48, status() & 0xC9);
        byte[] bytes = new byte[12];
        for (int i = 0; i < cdb.length; i++) {
            bytes[i] = (byte) cdb[i];
        }
        writeWords(bytes);
    }

    private byte[] packetData() {
        int n = ports.read(LBA_MID, 1) | ports.read(LBA_HIGH, 1) << 8;
        assertEquals(0x02, ports.read(COUNT, 1) & 0x03, "I/O: data to the host");
        assertEquals(0x58, status());
        return readWords(n);
    }

    @Test
    void cdromAnswersWithTheAtapiSignature() {
        select(1);
        ports.write(STATUS, 1, 0xEC);
        assertEquals(0x51, status());
        assertEquals(0x14, ports.read(LBA_MID, 1));
        assertEquals(0xEB, ports.read(LBA_HIGH, 1));
        ports.write(STATUS, 1, 0xA1);
        byte[] id = readWords(512);
        assertEquals(0x85C0, word(id, 0));
        assertEquals("ATRIUM CD-ROM", ataString(id, 27, 20));
    }

    @Test
    void readCapacityInquiryAndRead10() {
        packet(0xFFFE, 0x25);
        byte[] capacity = packetData();
        assertArrayEquals(new byte[] {0, 0, 0, 9, 0, 0, 8, 0}, capacity);
        assertEquals(0x50, status());
        assertEquals(0x03, ports.read(COUNT, 1), "status phase");

        packet(0xFFFE, 0x12, 0, 0, 0, 36);
        byte[] inquiry = packetData();
        assertEquals(0x05, inquiry[0]);
        assertEquals("ATRIUM", new String(inquiry, 8, 6, StandardCharsets.US_ASCII));

        // READ(10) of sectors 3 and 4 with a 2048-byte limit: two DRQ blocks.
        packet(2048, 0x28, 0, 0, 0, 0, 3, 0, 0, 2);
        byte[] first = packetData();
        byte[] second = packetData();
        assertEquals(2048, first.length);
        assertEquals(0x33, first[0]);
        assertEquals(0x34, second[2047]);
        assertEquals(0x50, status());
    }

    @Test
    void modeSenseCapabilitiesAndToc() {
        packet(0xFFFE, 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64);
        byte[] mode = packetData();
        assertEquals(0x2A, mode[8]);
        packet(0xFFFE, 0x43, 0, 0, 0, 0, 0, 0, 0, 100);
        byte[] toc = packetData();
        assertEquals(1, toc[2]);
        assertEquals((byte) 0xAA, toc[14]);
        assertEquals(10, toc[19], "lead-out after the last of 10 sectors");
    }

    @Test
    void missingMediumAndBadCommandsReportSense() {
        IdeDrive drive = IdeDrive.cdrom(null, "EMPTY");
        IdeChannel empty = new IdeChannel(irq, null, drive);
        channel = empty;
        ports = empty.commandBlock();
        packet(0xFFFE, 0x00);
        assertEquals(0x51, status(), "CHECK CONDITION");
        assertEquals(0x24, ports.read(ERROR, 1), "sense key NOT READY, ABRT");
        packet(0xFFFE, 0x03, 0, 0, 0, 18);
        byte[] sense = packetData();
        assertEquals(2, sense[2]);
        assertEquals(0x3A, sense[12], "medium not present");
        packet(0xFFFE, 0xFF);
        assertEquals(0x54, ports.read(ERROR, 1), "ILLEGAL REQUEST");
        drive.insert(cd);
        packet(0xFFFE, 0x00);
        assertEquals(0x50, status());
    }

    @Test
    void outOfRangeCdReadIsIllegal() {
        packet(0xFFFE, 0x28, 0, 0, 0, 0, 9, 0, 0, 2);
        assertEquals(0x51, status());
        packet(0xFFFE, 0x03, 0, 0, 0, 18);
        assertEquals(0x21, packetData()[12], "logical block address out of range");
    }

    @Test
    void emptyChannelReadsAsZero() {
        IdeChannel empty = new IdeChannel(irq, null, null);
        empty.commandBlock().write(COUNT, 1, 0x55);
        assertEquals(0, empty.commandBlock().read(COUNT, 1));
        assertEquals(0, empty.commandBlock().read(STATUS, 1));
        assertEquals(0, empty.controlBlock().read(0, 1));
    }
}
