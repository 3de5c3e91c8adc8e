package org.atrium.emulator.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backing names come from inside images: the store resolves them only inside itself. */
class ImageStoreTest {
    @TempDir Path root;

    private ImageStore store() throws IOException {
        Files.createDirectories(root.resolve("store"));
        return new ImageStore(root.resolve("store"), 4, Qcow2Image.DEFAULT_SIZE_CAP);
    }

    /**
     * Writes an overlay whose header names {@code backing} verbatim, like a hostile image would.
     */
    private static void overlayNaming(Path path, String backing) throws IOException {
        Qcow2Image.create(path, 1 << 20, 16, backing, ImageFormat.QCOW2);
    }

    private static void assertRefused(ImageStore store, String name, String fault) {
        IOException e =
                assertThrows(
                        IOException.class, () -> store.open(name, ImageFormat.QCOW2, true).close());
        assertTrue(e.getMessage().contains(fault), () -> "message: " + e.getMessage());
    }

    @Test
    void overlayReadsThroughAndCopiesOnFirstWrite() throws IOException {
        ImageStore store = store();
        store.createQcow2("base.qcow2", 1 << 20);
        byte[] base = new byte[70000];
        for (int i = 0; i < base.length; i++) {
            base[i] = (byte) (i * 31);
        }
        try (BlockBackend disk = store.open("base.qcow2", ImageFormat.QCOW2, false)) {
            disk.write(0, base, 0, base.length);
        }
        store.createOverlay("top.qcow2", "base.qcow2", ImageFormat.QCOW2);
        byte[] seen = new byte[base.length];
        try (BlockBackend disk = store.open("top.qcow2", ImageFormat.QCOW2, false)) {
            disk.read(0, seen, 0, seen.length);
            assertArrayEquals(base, seen);
            disk.write(10, new byte[] {9, 9}, 0, 2);
            disk.read(0, seen, 0, seen.length);
        }
        base[10] = 9;
        base[11] = 9;
        assertArrayEquals(base, seen, "the rest of the cluster was copied from the backing image");
        try (BlockBackend disk = store.open("base.qcow2", ImageFormat.QCOW2, true)) {
            byte[] b = new byte[2];
            disk.read(10, b, 0, 2);
            assertEquals((byte) (10 * 31), b[0], "the backing image is untouched");
        }
    }

    @Test
    void absoluteBackingNameIsRefused() throws IOException {
        ImageStore store = store();
        overlayNaming(store.root().resolve("evil.qcow2"), "/etc/passwd");
        assertRefused(store, "evil.qcow2", "absolute");
    }

    @Test
    void climbingBackingNameIsRefused() throws IOException {
        ImageStore store = store();
        Qcow2Image.create(root.resolve("outside.qcow2"), 1 << 20, 16, null, null);
        overlayNaming(store.root().resolve("evil.qcow2"), "../outside.qcow2");
        assertRefused(store, "evil.qcow2", "climbs out");
        overlayNaming(store.root().resolve("evil2.qcow2"), "../../x");
        assertRefused(store, "evil2.qcow2", "climbs out");
    }

    @Test
    void symlinkLeavingTheStoreIsRefused() throws IOException {
        ImageStore store = store();
        Qcow2Image.create(root.resolve("outside.qcow2"), 1 << 20, 16, null, null);
        Files.createSymbolicLink(store.root().resolve("link.qcow2"), root.resolve("outside.qcow2"));
        overlayNaming(store.root().resolve("evil.qcow2"), "link.qcow2");
        assertRefused(store, "evil.qcow2", "leads out of the store");
        assertRefused(store, "link.qcow2", "leads out of the store");
    }

    @Test
    void callerNamesAreConfinedToo() throws IOException {
        ImageStore store = store();
        assertRefused(store, "/etc/passwd", "absolute");
        assertRefused(store, "../x", "climbs out");
        assertThrows(IOException.class, () -> store.createRaw("../x.raw", 512));
    }

    @Test
    void loopingChainIsRefused() throws IOException {
        ImageStore store = store();
        overlayNaming(store.root().resolve("a.qcow2"), "b.qcow2");
        overlayNaming(store.root().resolve("b.qcow2"), "a.qcow2");
        assertRefused(store, "a.qcow2", "loops");
        overlayNaming(store.root().resolve("self.qcow2"), "self.qcow2");
        assertRefused(store, "self.qcow2", "loops");
    }

    @Test
    void tooDeepChainIsRefused() throws IOException {
        ImageStore store = store();
        store.createQcow2("l0.qcow2", 1 << 20);
        for (int i = 1; i <= 4; i++) {
            store.createOverlay("l" + i + ".qcow2", "l" + (i - 1) + ".qcow2", ImageFormat.QCOW2);
        }
        try (BlockBackend ok = store.open("l3.qcow2", ImageFormat.QCOW2, true)) {
            assertEquals(1 << 20, ok.size());
        }
        assertRefused(store, "l4.qcow2", "deeper than 4");
    }

    @Test
    void backingNameIsStoredAsGiven() throws IOException {
        ImageStore store = store();
        store.createRaw("base.raw", 1 << 20);
        store.createOverlay("top.qcow2", "base.raw", ImageFormat.RAW);
        assertEquals("base.raw", Qcow2Image.backingFileOf(store.root().resolve("top.qcow2")));
        try (FileChannel channel =
                FileChannel.open(store.root().resolve("top.qcow2"), StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4096);
            channel.read(head, 0);
            assertTrue(new String(head.array(), StandardCharsets.ISO_8859_1).contains("raw"));
        }
    }
}
