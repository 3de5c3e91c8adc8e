package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import org.atrium.emulator.storage.BlockBackend;
import org.atrium.emulator.storage.ImageFormat;
import org.atrium.emulator.storage.ImageStore;
import org.atrium.emulator.storage.Qcow2Image;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk life cycle of real machines under the supervisor: SeaBIOS boots a template with a disk
 * on a golden image, the template is snapshotted (its overlay frozen as the snapshot's layer) and
 * cloned twice, each clone on an overlay of its own on that layer. What the guest writes is tested
 * with a Linux guest in {@code DiskCloneIT}; here the files, their backing names, what survives
 * stop and start, and what delete removes or refuses.
 */
class PcMachineDiskCloneTest {
    private static final Path SEABIOS = TestBios.SEABIOS;

    @TempDir Path dir;
    private Path images;
    private DiskStore disks;
    private SnapshotStore snapshots;
    private VmSupervisor supervisor;

    @BeforeEach
    void host() throws Exception {
        TestBios.assumeInstalled();
        images = Files.createDirectories(dir.resolve("images"));
        ImageStore store = new ImageStore(images);
        store.createQcow2("golden.qcow2", 8 << 20);
        try (BlockBackend golden = store.open("golden.qcow2", ImageFormat.QCOW2, false)) {
            golden.write(4096, "GOLDEN".getBytes(), 0, 6);
        }
        disks = new DiskStore(images);
        snapshots = new SnapshotStore(dir.resolve("snapshots"));
        supervisor =
                new VmSupervisor(
                        new PcMachineFactory(SEABIOS, null, snapshots, null, disks),
                        256,
                        8,
                        snapshots,
                        null,
                        disks);
    }

    private static VmSpec withGolden(String image) {
        return new VmSpec(16, new BootSource.Firmware("seabios"), null)
                .withDisks(List.of(DiskSpec.of(image, null)));
    }

    private static VmSpec clone(String snapshot) {
        return new VmSpec(0, new BootSource.Snapshot(snapshot), null);
    }

    @Test
    void templateSnapshotAndClonesEachOwnTheirOverlay() throws Exception {
        byte[] golden = sha256(images.resolve("golden.qcow2"));
        String tmplOverlay = DiskStore.overlayName("template", 0);
        try {
            Vm template = supervisor.create("template", withGolden("golden.qcow2")).vm();
            assertEquals(VmState.RUNNING, template.state());
            assertEquals("golden.qcow2", backing(tmplOverlay));
            TestBios.waitForBootAttempt(template);

            SnapshotStore.Entry snap = supervisor.snapshot("template", "tpl");
            String layer = DiskStore.layerName("tpl", 0);
            assertEquals(List.of(layer), snap.disks());
            assertEquals(List.of(layer), snapshots.find("tpl").orElseThrow().disks());
            assertEquals("golden.qcow2", backing(layer));
            assertEquals(VmState.RUNNING, template.state(), "the template runs on");

            Vm a = supervisor.create("a", clone("tpl")).vm();
            Vm b = supervisor.create("b", clone("tpl")).vm();
            assertEquals(VmState.RUNNING, a.state());
            assertEquals(VmState.RUNNING, b.state());
            for (String id : new String[] {"a", "b"}) {
                List<DiskStore.DiskFile> files = supervisor.diskFiles(id);
                assertEquals(1, files.size(), id);
                assertEquals(DiskStore.overlayName(id, 0), files.getFirst().name());
                assertEquals(layer, files.getFirst().backing());
                assertTrue(files.getFirst().allocatedBytes() > 0);
            }

            // In use by clones: refused, nothing removed.
            VmProblemException inUse =
                    assertThrows(VmProblemException.class, () -> supervisor.deleteSnapshot("tpl"));
            assertEquals(409, inUse.status());
            assertTrue(inUse.getMessage().contains("[a, b]"), inUse.getMessage());
            assertTrue(Files.exists(images.resolve(layer)));

            // A clone starts again from its snapshot: a fresh overlay. The template keeps its own.
            // Stopped machines have closed their images, so the test writes into them as the
            // guest would have.
            supervisor.stop("a");
            supervisor.stop("template");
            write(DiskStore.overlayName("a", 0), "WRITTEN");
            write(tmplOverlay, "WRITTEN");
            supervisor.start("a");
            supervisor.start("template");
            supervisor.stopAll();
            assertEquals("WRITTEN", read(tmplOverlay));
            assertNotEquals("WRITTEN", read(DiskStore.overlayName("a", 0)));

            supervisor.stopAll();
            if (QemuImgTool.available()) {
                QemuImgTool.checkClean(
                        images,
                        List.of(
                                tmplOverlay,
                                layer,
                                DiskStore.overlayName("a", 0),
                                DiskStore.overlayName("b", 0)));
            }

            assertTrue(supervisor.delete("a"));
            assertTrue(supervisor.delete("b"));
            assertFalse(Files.exists(images.resolve(DiskStore.overlayName("a", 0))));
            assertFalse(Files.exists(images.resolve(DiskStore.overlayName("b", 0))));
            assertTrue(supervisor.deleteSnapshot("tpl"));
            assertFalse(Files.exists(images.resolve(layer)));
            assertTrue(snapshots.find("tpl").isEmpty());
            assertFalse(supervisor.deleteSnapshot("tpl"), "deleting again finds nothing");
            assertTrue(supervisor.delete("template"));
            assertFalse(Files.exists(images.resolve(tmplOverlay)));
            assertArrayEquals(golden, sha256(images.resolve("golden.qcow2")));
            try (var left = Files.list(images)) {
                assertEquals(
                        List.of("golden.qcow2"),
                        left.map(p -> p.getFileName().toString()).toList());
            }
        } finally {
            supervisor.stopAll();
        }
    }

    @Test
    void aSnapshotWhoseLayerAnotherSnapshotLiesOnIsKept() throws Exception {
        try {
            supervisor.create("template", withGolden("golden.qcow2"));
            supervisor.snapshot("template", "first");
            supervisor.create("c", clone("first"));
            // A snapshot of the clone: its layer lies on the first snapshot's layer.
            SnapshotStore.Entry second = supervisor.snapshot("c", "second");
            assertEquals(DiskStore.layerName("first", 0), backing(second.disks().getFirst()));
            supervisor.delete("c");
            VmProblemException e =
                    assertThrows(
                            VmProblemException.class, () -> supervisor.deleteSnapshot("first"));
            assertEquals(409, e.status());
            assertTrue(e.getMessage().contains(second.disks().getFirst()), e.getMessage());
            assertTrue(supervisor.deleteSnapshot("second"));
            assertTrue(supervisor.deleteSnapshot("first"));
        } finally {
            supervisor.stopAll();
        }
    }

    @Test
    void aMissingGoldenImageMakesNoVmAndNoFile() throws Exception {
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> supervisor.create("vm", withGolden("absent.qcow2")));
        assertEquals(404, e.status());
        assertTrue(supervisor.find("vm").isEmpty());
        try (var left = Files.list(images)) {
            assertEquals(
                    List.of("golden.qcow2"), left.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aCloneMayNotNameDisks() {
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () ->
                                supervisor.create(
                                        "c",
                                        clone("x")
                                                .withDisks(
                                                        List.of(
                                                                DiskSpec.of(
                                                                        "golden.qcow2", null)))));
        assertEquals(400, e.status());
    }

    private String backing(String image) throws Exception {
        return Qcow2Image.backingFileOf(images.resolve(image));
    }

    private static final long MARK_AT = 8192;

    private void write(String image, String text) throws Exception {
        try (BlockBackend disk = new ImageStore(images).open(image, ImageFormat.QCOW2, false)) {
            disk.write(MARK_AT, text.getBytes(), 0, text.length());
        }
    }

    private String read(String image) throws Exception {
        try (BlockBackend disk = new ImageStore(images).open(image, ImageFormat.QCOW2, true)) {
            byte[] b = new byte[7];
            disk.read(MARK_AT, b, 0, b.length);
            return new String(b);
        }
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
