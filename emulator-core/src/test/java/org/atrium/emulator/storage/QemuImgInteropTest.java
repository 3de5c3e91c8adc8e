package org.atrium.emulator.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Atrium and the real qemu-img read and write each other's images. */
class QemuImgInteropTest {
    private static final int MIB = 1 << 20;

    @TempDir Path dir;

    private byte[] randomRaw(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        Random random = new Random(seed);
        // Leave holes of zeros so that some clusters stay unallocated after conversion.
        for (int at = 0; at < size; at += 64 * 1024) {
            if (random.nextInt(3) != 0) {
                byte[] chunk = new byte[Math.min(64 * 1024, size - at)];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, data, at, chunk.length);
            }
        }
        Files.write(dir.resolve(name), data);
        return data;
    }

    private static byte[] readAll(BlockBackend disk) throws IOException {
        byte[] all = new byte[(int) disk.size()];
        disk.read(0, all, 0, all.length);
        return all;
    }

    /** Applies the same writes to the image and to the in-memory shadow. */
    private static void writeBoth(BlockBackend disk, byte[] shadow, long offset, byte[] data)
            throws IOException {
        disk.write(offset, data, 0, data.length);
        System.arraycopy(data, 0, shadow, (int) offset, data.length);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.10", "1.1"})
    void readsAndWritesImagesQemuImgConverted(String compat) throws Exception {
        byte[] shadow = randomRaw("source.raw", 4 * MIB, 1);
        QemuImg.ok(
                dir,
                "convert",
                "-f",
                "raw",
                "-O",
                "qcow2",
                "-o",
                "compat=" + compat,
                "source.raw",
                "disk.qcow2");
        ImageStore store = new ImageStore(dir);
        try (BlockBackend disk = store.open("disk.qcow2", ImageFormat.QCOW2, false)) {
            assertArrayEquals(shadow, readAll(disk));
            writeBoth(disk, shadow, 100, pattern(5000, 2));
            writeBoth(disk, shadow, 3 * MIB - 7, pattern(70000, 3));
            writeBoth(disk, shadow, 4 * MIB - 512, pattern(512, 4));
            disk.flush();
            assertArrayEquals(shadow, readAll(disk));
        }
        Files.write(dir.resolve("expected.raw"), shadow);
        QemuImg.checkClean(dir, "disk.qcow2");
        QemuImg.sameContent(dir, "expected.raw", "disk.qcow2", "qcow2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.10", "1.1"})
    void writesOverlaysQemuImgCreated(String compat) throws Exception {
        byte[] shadow = randomRaw("base.raw", 2 * MIB, 5);
        QemuImg.ok(
                dir,
                "convert",
                "-f",
                "raw",
                "-O",
                "qcow2",
                "-o",
                "compat=" + compat,
                "base.raw",
                "base.qcow2");
        QemuImg.ok(
                dir,
                "create",
                "-f",
                "qcow2",
                "-o",
                "compat=" + compat,
                "-b",
                "base.qcow2",
                "-F",
                "qcow2",
                "mid.qcow2");
        QemuImg.ok(
                dir,
                "create",
                "-f",
                "qcow2",
                "-o",
                "compat=" + compat,
                "-b",
                "mid.qcow2",
                "-F",
                "qcow2",
                "top.qcow2");
        ImageStore store = new ImageStore(dir);
        try (BlockBackend disk = store.open("top.qcow2", ImageFormat.QCOW2, false)) {
            assertArrayEquals(shadow, readAll(disk), "reads fall through two backing images");
            writeBoth(disk, shadow, 1000, pattern(100, 6));
            writeBoth(disk, shadow, MIB + 65536 - 10, pattern(20, 7));
            disk.flush();
            assertArrayEquals(shadow, readAll(disk));
        }
        Files.write(dir.resolve("expected.raw"), shadow);
        QemuImg.checkClean(dir, "top.qcow2");
        QemuImg.checkClean(dir, "base.qcow2");
        QemuImg.sameContent(dir, "expected.raw", "top.qcow2", "qcow2");
        QemuImg.sameContent(dir, "base.raw", "base.qcow2", "qcow2");
    }

    @Test
    void readsAndRewritesCompressedClusters() throws Exception {
        byte[] shadow = new byte[2 * MIB];
        for (int i = 0; i < shadow.length; i++) {
            shadow[i] = (byte) (i / 1000 * 7 + i % 13);
        }
        Files.write(dir.resolve("source.raw"), shadow);
        QemuImg.ok(dir, "convert", "-c", "-f", "raw", "-O", "qcow2", "source.raw", "packed.qcow2");
        try (BlockBackend disk =
                new ImageStore(dir).open("packed.qcow2", ImageFormat.QCOW2, false)) {
            assertArrayEquals(shadow, readAll(disk));
            writeBoth(disk, shadow, 70000, pattern(3000, 8));
            assertArrayEquals(shadow, readAll(disk));
        }
        Files.write(dir.resolve("expected.raw"), shadow);
        QemuImg.checkClean(dir, "packed.qcow2");
        QemuImg.sameContent(dir, "expected.raw", "packed.qcow2", "qcow2");
    }

    @Test
    void qemuImgReadsWhatAtriumCreates() throws Exception {
        ImageStore store = new ImageStore(dir);
        store.createRaw("plain.raw", 3 * MIB);
        store.createQcow2("standalone.qcow2", 3 * MIB);
        byte[] shadow = new byte[3 * MIB];
        byte[] first = pattern(200000, 9);
        byte[] second = pattern(777, 10);
        for (String name : new String[] {"plain.raw", "standalone.qcow2"}) {
            ImageFormat format = name.endsWith(".raw") ? ImageFormat.RAW : ImageFormat.QCOW2;
            try (BlockBackend disk = store.open(name, format, false)) {
                disk.write(12345, first, 0, first.length);
                disk.write(3 * MIB - 777, second, 0, second.length);
                disk.flush();
            }
        }
        System.arraycopy(first, 0, shadow, 12345, first.length);
        System.arraycopy(second, 0, shadow, 3 * MIB - 777, second.length);
        Files.write(dir.resolve("expected.raw"), shadow);
        QemuImg.checkClean(dir, "standalone.qcow2");
        QemuImg.sameContent(dir, "expected.raw", "plain.raw", "raw");
        QemuImg.sameContent(dir, "expected.raw", "standalone.qcow2", "qcow2");
        QemuImg.ok(dir, "convert", "-f", "qcow2", "-O", "raw", "standalone.qcow2", "back.raw");
        assertArrayEquals(shadow, Files.readAllBytes(dir.resolve("back.raw")));

        store.createOverlay("overlay.qcow2", "standalone.qcow2", ImageFormat.QCOW2);
        byte[] third = pattern(4096, 11);
        try (BlockBackend disk = store.open("overlay.qcow2", ImageFormat.QCOW2, false)) {
            writeBoth(disk, shadow, 65536 * 3 + 100, third);
        }
        Files.write(dir.resolve("expected2.raw"), shadow);
        QemuImg.checkClean(dir, "overlay.qcow2");
        String info = QemuImg.ok(dir, "info", "overlay.qcow2");
        assertEquals(true, info.contains("backing file: standalone.qcow2"), info);
        QemuImg.sameContent(dir, "expected2.raw", "overlay.qcow2", "qcow2");
        QemuImg.sameContent(dir, "expected.raw", "standalone.qcow2", "qcow2");
    }

    @Test
    void randomWritesMatchARawShadow() throws Exception {
        // Small clusters make the fuzz allocate L2 tables, refcount blocks and grow the
        // refcount table many times.
        int size = 3 * MIB;
        byte[] base = randomRaw("base.raw", size, 12);
        QemuImg.ok(
                dir,
                "convert",
                "-f",
                "raw",
                "-O",
                "qcow2",
                "-o",
                "cluster_size=512",
                "base.raw",
                "base.qcow2");
        QemuImg.ok(
                dir,
                "create",
                "-f",
                "qcow2",
                "-o",
                "cluster_size=512",
                "-b",
                "base.qcow2",
                "-F",
                "qcow2",
                "fuzz.qcow2");
        byte[] shadow = base.clone();
        Random random = new Random(20261123);
        ImageStore store = new ImageStore(dir);
        for (int round = 0; round < 6; round++) {
            try (BlockBackend disk = store.open("fuzz.qcow2", ImageFormat.QCOW2, false)) {
                for (int i = 0; i < 150; i++) {
                    int length = 1 + random.nextInt(random.nextBoolean() ? 600 : 20000);
                    long offset = random.nextInt(size - length + 1);
                    writeBoth(disk, shadow, offset, pattern(length, random.nextInt()));
                }
                disk.flush();
                assertArrayEquals(shadow, readAll(disk), "content after round " + round);
            }
        }
        Files.write(dir.resolve("expected.raw"), shadow);
        QemuImg.checkClean(dir, "fuzz.qcow2");
        QemuImg.sameContent(dir, "expected.raw", "fuzz.qcow2", "qcow2");
    }

    @Test
    void growsTheRefcountTableWhenTheFileOutgrowsIt() throws Exception {
        // With 512-byte clusters one refcount table cluster counts 64 blocks of 256 clusters:
        // 8 MiB of file. Writing 12 MiB forces the table to move at least once.
        int size = 12 * MIB;
        ImageStore store = new ImageStore(dir);
        store.createQcow2("small.qcow2", size, 9);
        byte[] shadow = new byte[size];
        try (BlockBackend disk = store.open("small.qcow2", ImageFormat.QCOW2, false)) {
            for (int at = 0; at < size; at += 256 * 1024) {
                writeBoth(disk, shadow, at, pattern(256 * 1024, at));
            }
            assertArrayEquals(shadow, readAll(disk));
        }
        String info = QemuImg.ok(dir, "info", "--output=json", "small.qcow2");
        Files.write(dir.resolve("expected.raw"), shadow);
        QemuImg.checkClean(dir, "small.qcow2");
        QemuImg.sameContent(dir, "expected.raw", "small.qcow2", "qcow2");
        try (Qcow2Image reopened = Qcow2Image.open(dir.resolve("small.qcow2"), true)) {
            assertArrayEquals(shadow, readAll(reopened), info);
        }
    }

    private void qemuIo(String image, String... commands) throws Exception {
        java.util.List<String> argv = new java.util.ArrayList<>();
        argv.add(QemuImg.locate("qemu-io").toString());
        for (String c : commands) {
            argv.add("-c");
            argv.add(c);
        }
        argv.add(image);
        Process p =
                new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out =
                new String(
                        p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    @Test
    void zeroClustersHideTheBackingImageAndStayZeroOnCopyOnWrite() throws Exception {
        int size = MIB;
        byte[] shadow = new byte[size];
        java.util.Arrays.fill(shadow, (byte) 0x55);
        Files.write(dir.resolve("base.raw"), shadow);
        QemuImg.ok(dir, "convert", "-f", "raw", "-O", "qcow2", "base.raw", "base.qcow2");
        QemuImg.ok(dir, "create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", "top.qcow2");
        // A preallocated zero cluster at 64 KiB and an unallocated zero cluster at 512 KiB.
        qemuIo("top.qcow2", "write -P 0xaa 0 128k", "write -z 64k 64k", "write -z 512k 64k");
        java.util.Arrays.fill(shadow, 0, 65536, (byte) 0xAA);
        java.util.Arrays.fill(shadow, 65536, 131072, (byte) 0);
        java.util.Arrays.fill(shadow, 524288, 589824, (byte) 0);
        try (BlockBackend disk = new ImageStore(dir).open("top.qcow2", ImageFormat.QCOW2, false)) {
            assertArrayEquals(shadow, readAll(disk));
            writeBoth(disk, shadow, 65536 + 100, pattern(50, 13));
            writeBoth(disk, shadow, 524288 + 4000, pattern(50, 14));
            assertArrayEquals(shadow, readAll(disk));
        }
        Files.write(dir.resolve("expected.raw"), shadow);
        QemuImg.checkClean(dir, "top.qcow2");
        QemuImg.sameContent(dir, "expected.raw", "top.qcow2", "qcow2");
    }

    @Test
    void unknownAutoclearFeaturesAreClearedBeforeWriting() throws Exception {
        QemuImg.ok(dir, "create", "-f", "qcow2", "disk.qcow2", "1M");
        QemuImg.ok(dir, "bitmap", "--add", "disk.qcow2", "b0");
        try (BlockBackend disk = new ImageStore(dir).open("disk.qcow2", ImageFormat.QCOW2, true)) {
            assertEquals(1 << 20, disk.size());
        }
        assertEquals(
                1,
                java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("disk.qcow2"))).getLong(88),
                "read-only opening leaves the bitmaps bit alone");
        try (BlockBackend disk = new ImageStore(dir).open("disk.qcow2", ImageFormat.QCOW2, false)) {
            disk.write(0, new byte[] {7}, 0, 1);
        }
        assertEquals(
                0,
                java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("disk.qcow2"))).getLong(88),
                "a writer that does not keep the bitmaps clears their autoclear bit");
        String info = QemuImg.ok(dir, "info", "disk.qcow2");
        assertEquals(false, info.contains("name: b0"), info);
    }
}
