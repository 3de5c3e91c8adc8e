package org.atrium.emulator.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted images, each broken in one way, must be refused with a message that names the fault, and
 * must be left byte for byte as they were, even when opened for writing.
 */
class HostileImageTest {
    private static final long COPIED = 1L << 63;
    // Layout of the image built in setUp (64 KiB clusters), checked there.
    private static final long REFCOUNT_TABLE = 0x10000;
    private static final long REFCOUNT_BLOCK = 0x20000;
    private static final long L1 = 0x30000;
    private static final long DATA = 0x40000;
    private static final long L2 = 0x50000;

    @TempDir Path dir;
    private ImageStore store;
    private Path image;

    @BeforeEach
    void setUp() throws IOException {
        store = new ImageStore(dir);
        store.createQcow2("img.qcow2", 1 << 20);
        image = dir.resolve("img.qcow2");
        try (BlockBackend disk = store.open("img.qcow2", ImageFormat.QCOW2, false)) {
            disk.write(0, new byte[] {1, 2, 3}, 0, 3);
        }
        assertEquals(L1, getLong(40));
        assertEquals(REFCOUNT_TABLE, getLong(48));
        assertEquals(REFCOUNT_BLOCK, getLong(REFCOUNT_TABLE));
        assertEquals(L2 | COPIED, getLong(L1));
        assertEquals(DATA | COPIED, getLong(L2));
    }

    private long getLong(long at) throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            channel.read(b, at);
            return b.getLong(0);
        }
    }

    private void put(long at, ByteBuffer value) throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
            channel.write(value.rewind(), at);
        }
    }

    private void putLong(long at, long value) throws IOException {
        put(at, ByteBuffer.allocate(8).putLong(0, value));
    }

    private void putInt(long at, int value) throws IOException {
        put(at, ByteBuffer.allocate(4).putInt(0, value));
    }

    /** Opens for writing through the store; expects a refusal naming {@code fault}. */
    private void refused(String fault) throws IOException {
        refused("img.qcow2", fault);
    }

    private void refused(String name, String fault) throws IOException {
        byte[] before = Files.readAllBytes(dir.resolve(name));
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> store.open(name, ImageFormat.QCOW2, false).close());
        assertTrue(e.getMessage().contains(fault), () -> "message: " + e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve(name)), "image was modified");
    }

    @Test
    void theUntouchedImageOpens() throws IOException {
        try (BlockBackend disk = store.open("img.qcow2", ImageFormat.QCOW2, true)) {
            byte[] b = new byte[4];
            disk.read(0, b, 0, 4);
            assertArrayEquals(new byte[] {1, 2, 3, 0}, b);
        }
    }

    @Test
    void badMagic() throws IOException {
        putInt(0, 0x12345678);
        refused("bad magic");
    }

    @Test
    void truncatedHeader() throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
            channel.truncate(50);
        }
        refused("truncated");
    }

    @Test
    void truncatedTables() throws IOException {
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
            channel.truncate(L1 + 4);
        }
        refused("past the end of the file");
    }

    @Test
    void clusterBitsOutsideRange() throws IOException {
        putInt(20, 8);
        refused("cluster_bits 8 outside 9..21");
        putInt(20, 22);
        refused("cluster_bits 22 outside 9..21");
    }

    @Test
    void absurdVirtualSize() throws IOException {
        putLong(24, 1L << 60);
        refused("exceeds the cap");
    }

    @Test
    void l1TooSmallForTheVirtualSize() throws IOException {
        putLong(24, 1L << 40);
        refused("cannot map a virtual size");
    }

    @Test
    void l1TableOverlapsTheRefcountTable() throws IOException {
        putLong(40, REFCOUNT_TABLE);
        refused("refcount table at 65536 overlaps the L1 table");
    }

    @Test
    void l1TableInTheHeader() throws IOException {
        putLong(40, 0);
        refused("L1 table offset 0");
    }

    @Test
    void l2TablePointsIntoTheHeaderOrAnotherTable() throws IOException {
        putLong(L1, REFCOUNT_BLOCK | COPIED);
        refused("overlaps the L2 table of L1 entry 0");
    }

    @Test
    void refcountTableOverlapsTheHeader() throws IOException {
        putLong(48, 0);
        refused("refcount table offset 0");
    }

    @Test
    void refcountBlockPastTheEnd() throws IOException {
        putLong(REFCOUNT_TABLE, 0x1000000);
        refused("refcount block at 16777216 lies past the end of the file");
    }

    @Test
    void dataClusterPastTheEnd() throws IOException {
        putLong(L2, 0x1000000 | COPIED);
        refused("past the end of the file");
    }

    @Test
    void dataClusterInsideMetadata() throws IOException {
        putLong(L2, L1 | COPIED);
        refused("maps a data cluster into the L1 table");
    }

    @Test
    void refcountTooSmallForItsUses() throws IOException {
        put(REFCOUNT_BLOCK + 2 * (DATA >> 16), ByteBuffer.allocate(2));
        refused("used 1 times but its refcount is 0");
    }

    @Test
    void twoMappingsOfOneOwnedCluster() throws IOException {
        putLong(L2 + 8, DATA | COPIED);
        refused("used 2 times but its refcount is 1");
    }

    @Test
    void refcountOverflow() throws IOException {
        // A 4 GiB disk has 8 L1 entries of 8192 L2 entries each: 65536 mappings of one cluster
        // are one more than a 16-bit refcount can hold.
        putLong(24, 4L << 30);
        putInt(36, 8);
        ByteBuffer table = ByteBuffer.allocate(65536);
        for (int i = 0; i < 8192; i++) {
            table.putLong(8 * i, DATA);
        }
        long end = Files.size(image);
        for (int t = 0; t < 8; t++) {
            put(end + t * 65536L, table);
            putLong(L1 + 8 * t, end + t * 65536L);
        }
        refused("refcount overflow");
    }

    @Test
    void dirtyImageIsNotRepaired() throws IOException {
        putLong(72, 1);
        refused("dirty");
    }

    @Test
    void unknownIncompatibleFeature() throws IOException {
        putLong(72, 1L << 5);
        refused("unknown incompatible feature bit 5");
    }

    @Test
    void unsupportedFeaturesAreNamed() throws IOException {
        putLong(72, 1L << 4);
        refused("extended L2");
        putLong(72, 1L << 2);
        refused("external data file");
        putLong(72, 1L << 3);
        refused("compression type");
    }

    @Test
    void otherRefcountWidths() throws IOException {
        putInt(96, 5);
        refused("refcount_order 5");
    }

    @Test
    void zeroFlagInVersion2() throws IOException {
        putInt(4, 2);
        putLong(L2, 1);
        refused("zero flag in a version 2 image");
    }

    @Test
    void absurdTableSizes() throws IOException {
        putInt(36, 0x7fffffff);
        refused("L1 table of 2147483647 entries is absurd");
        putInt(36, 1);
        putInt(56, 1 << 20);
        refused("refcount table of 1048576 clusters is absurd");
    }

    @Test
    void backingNameOutsideTheHeaderCluster() throws IOException {
        putLong(8, 65530);
        putInt(16, 100);
        refused("backing file name lies outside the header cluster");
    }

    @Test
    void compressedClusterInsideTheHeader() throws IOException {
        // Compressed entry (bit 62) whose data starts inside the header cluster.
        putLong(L2, 1L << 62 | 100);
        refused("outside the file");
    }

    @Test
    void encryptedImagesAreUnsupported() throws IOException {
        putInt(32, 1);
        refused("encrypted image");
    }
}
