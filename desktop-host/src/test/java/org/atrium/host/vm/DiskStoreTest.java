package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.atrium.emulator.storage.BlockBackend;
import org.atrium.emulator.storage.ImageFormat;
import org.atrium.emulator.storage.ImageStore;
import org.atrium.emulator.storage.Qcow2Image;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's image store: overlays, frozen layers, names and refused images. */
class DiskStoreTest {
    @TempDir Path dir;
    private DiskStore disks;
    private ImageStore images;

    @BeforeEach
    void store() throws Exception {
        disks = new DiskStore(dir);
        images = new ImageStore(dir);
        images.createQcow2("golden.qcow2", 4 << 20);
        try (BlockBackend golden = images.open("golden.qcow2", ImageFormat.QCOW2, false)) {
            golden.write(0, "GOLDEN".getBytes(), 0, 6);
        }
    }

    @Test
    void aVmGetsAnOverlayOnTheGoldenImageByRelativeName() throws Exception {
        byte[] before = Files.readAllBytes(dir.resolve("golden.qcow2"));
        disks.createOverlays("desk-1", List.of(DiskSpec.of("golden.qcow2", null)));

        String overlay = DiskStore.overlayName("desk-1", 0);
        assertEquals("golden.qcow2", Qcow2Image.backingFileOf(dir.resolve(overlay)));
        try (BlockBackend disk = images.open(overlay, ImageFormat.QCOW2, false)) {
            byte[] read = new byte[6];
            disk.read(0, read, 0, 6);
            assertEquals("GOLDEN", new String(read));
            disk.write(0, "CHANGE".getBytes(), 0, 6);
        }
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("golden.qcow2")));
        List<DiskStore.DiskFile> files = disks.files("desk-1");
        assertEquals(1, files.size());
        assertEquals(overlay, files.getFirst().name());
        assertEquals("golden.qcow2", files.getFirst().backing());
        assertEquals(Files.size(dir.resolve(overlay)), files.getFirst().allocatedBytes());
        assertEquals(Files.size(dir.resolve(overlay)), disks.allocatedBytes());

        disks.deleteOverlays("desk-1");
        assertFalse(Files.exists(dir.resolve(overlay)));
        assertTrue(disks.files("desk-1").isEmpty());
    }

    @Test
    void aFrozenLayerIsAReadOnlyCopyThatClonesLieOn() throws Exception {
        disks.createOverlays("tmpl", List.of(DiskSpec.of("golden.qcow2", null)));
        try (BlockBackend disk =
                images.open(DiskStore.overlayName("tmpl", 0), ImageFormat.QCOW2, false)) {
            disk.write(512, "TEMPLATE".getBytes(), 0, 8);
        }
        List<String> layers = disks.freeze("tmpl", 1, "snap");
        assertEquals(List.of(DiskStore.layerName("snap", 0)), layers);
        Path layer = dir.resolve(layers.getFirst());
        assertEquals(
                "r--r--r--",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(layer)),
                "the layer is read-only");
        assertArrayEquals(
                Files.readAllBytes(dir.resolve(DiskStore.overlayName("tmpl", 0))),
                Files.readAllBytes(layer));

        disks.createOverlays("clone", List.of(new DiskSpec(layers.getFirst(), ImageFormat.QCOW2)));
        assertEquals(
                layers.getFirst(),
                Qcow2Image.backingFileOf(dir.resolve(DiskStore.overlayName("clone", 0))));
        assertEquals(
                List.of(DiskStore.overlayName("clone", 0)),
                disks.imagesBackedBy(Set.copyOf(layers)));
        disks.deleteOverlays("clone");
        assertEquals(List.of(), disks.imagesBackedBy(Set.copyOf(layers)));
    }

    @Test
    void aMissingGoldenImageIs404AndLeavesNoOverlay() {
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () ->
                                disks.createOverlays(
                                        "vm",
                                        List.of(
                                                DiskSpec.of("golden.qcow2", null),
                                                DiskSpec.of("absent.qcow2", null))));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("absent.qcow2"), e.getMessage());
        assertTrue(disks.files("vm").isEmpty(), "the first disk's overlay is gone too");
    }

    @Test
    void aCorruptGoldenImageIs422AndStaysUnmodified() throws Exception {
        Path bad = dir.resolve("bad.qcow2");
        byte[] garbage = new byte[70000];
        // A qcow2 magic and version, then a header that points past the end of the file.
        garbage[0] = 'Q';
        garbage[1] = 'F';
        garbage[2] = 'I';
        garbage[3] = (byte) 0xFB;
        garbage[7] = 3;
        garbage[20] = 16;
        java.util.Arrays.fill(garbage, 40, 48, (byte) 0x7F);
        Files.write(bad, garbage);
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> disks.createOverlays("vm", List.of(DiskSpec.of("bad.qcow2", null))));
        assertEquals(422, e.status());
        assertEquals("Image not usable", e.title());
        assertTrue(e.getMessage().contains("bad.qcow2"), e.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(bad));
        assertTrue(disks.files("vm").isEmpty());
    }

    @Test
    void aGoldenImageWhoseBackingLeavesTheStoreIsRefused() throws Exception {
        Qcow2Image.create(
                dir.resolve("escape.qcow2"), 1 << 20, 16, "../../etc/passwd", ImageFormat.RAW);
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () ->
                                disks.createOverlays(
                                        "vm", List.of(DiskSpec.of("escape.qcow2", null))));
        assertEquals(422, e.status());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
        assertTrue(disks.files("vm").isEmpty());
    }

    @Test
    void diskNamesThatAreNoPlainFileNamesAre400() {
        for (String name :
                new String[] {
                    "../golden.qcow2", "a/b", "a\\b", "/etc/passwd", ".hidden", "vm@x", ""
                }) {
            VmProblemException e =
                    assertThrows(VmProblemException.class, () -> DiskSpec.of(name, null), name);
            assertEquals(400, e.status(), name);
        }
        assertEquals(
                400,
                assertThrows(VmProblemException.class, () -> DiskSpec.of("g", "vmdk")).status());
        assertEquals(ImageFormat.RAW, DiskSpec.of("disk.img", null).format());
        assertEquals(ImageFormat.QCOW2, DiskSpec.of("disk.img", "qcow2").format());
    }

    @Test
    void moreDisksThanIdePositionsAre400() {
        List<DiskSpec> five = java.util.Collections.nCopies(5, DiskSpec.of("golden.qcow2", null));
        assertEquals(
                400,
                assertThrows(VmProblemException.class, () -> disks.createOverlays("vm", five))
                        .status());
    }
}
