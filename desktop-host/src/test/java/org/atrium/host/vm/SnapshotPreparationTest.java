package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.atrium.emulator.snapshot.SnapshotFile;
import org.atrium.emulator.snapshot.SnapshotFormatException;
import org.atrium.emulator.storage.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots readied ahead of their clones: the whole-file check made once per file as it is now,
 * and the throwaway clone that warms the emulator up, on real machines (SeaBIOS templates with a
 * disk). A host that starts again over the same store is a new factory and supervisor on it.
 */
class SnapshotPreparationTest {
    private static final Path SEABIOS = TestBios.SEABIOS;

    @TempDir Path dir;
    private Path images;
    private DiskStore disks;
    private SnapshotStore snapshots;
    private final List<VmSupervisor> hosts = new ArrayList<>();

    @BeforeEach
    void store() throws Exception {
        TestBios.assumeInstalled();
        images = Files.createDirectories(dir.resolve("images"));
        new ImageStore(images).createQcow2("golden.qcow2", 8 << 20);
        disks = new DiskStore(images);
        snapshots = new SnapshotStore(dir.resolve("snapshots"));
    }

    @AfterEach
    void stop() {
        hosts.forEach(VmSupervisor::stopAll);
    }

    /** A host over the store whose factory warms up for {@code warmUp}. */
    private VmSupervisor host(PcMachineFactory factory) {
        VmSupervisor supervisor = new VmSupervisor(factory, 256, 8, snapshots, null, disks);
        hosts.add(supervisor);
        return supervisor;
    }

    private PcMachineFactory factory(Duration warmUp) {
        return new PcMachineFactory(
                SEABIOS, null, snapshots, null, disks, MachineTuning.HOST_DEFAULT, warmUp);
    }

    /** Boots a template with a disk on the golden image and snapshots it as {@code name}. */
    private SnapshotStore.Entry template(String name) throws Exception {
        VmSupervisor supervisor = host(factory(Duration.ZERO));
        Vm template =
                supervisor
                        .create(
                                "template",
                                new VmSpec(16, new BootSource.Firmware("seabios"), null)
                                        .withDisks(List.of(DiskSpec.of("golden.qcow2", null))))
                        .vm();
        TestBios.waitForBootAttempt(template);
        SnapshotStore.Entry entry = supervisor.snapshot("template", name);
        supervisor.delete("template");
        return entry;
    }

    private static VmSpec clone(String snapshot) {
        return new VmSpec(0, new BootSource.Snapshot(snapshot), null);
    }

    @Test
    void theWarmUpCloneRunsOnceAndLeavesTheStoreAsItWas() throws Exception {
        SnapshotStore.Entry entry = template("tpl");
        Path layer = images.resolve(DiskStore.layerName("tpl", 0));
        byte[] snapshotBefore = sha256(entry.file());
        byte[] layerBefore = sha256(layer);
        List<String> filesBefore = files(images);

        PcMachineFactory factory = factory(Duration.ofMillis(300));
        VmSupervisor restarted = host(factory);
        List<VmMachine> started = new ArrayList<>();
        PcMachineFactory.Prepared first = factory.prepare("tpl", started::add);
        assertTrue(first.warmUpInstructions() > 0, "the throwaway clone ran: " + first);
        assertEquals(1, started.size());
        assertEquals(VmState.STOPPED, started.getFirst().state(), "and was stopped");
        // Once per factory: the emulator is warm now.
        assertEquals(0, factory.prepare("tpl", started::add).warmUpInstructions());
        assertEquals(1, started.size());

        assertTrue(restarted.list().isEmpty(), "the throwaway clone is no VM of the host");
        assertEquals(filesBefore, files(images), "no overlay was made for it");
        assertArrayEquals(layerBefore, sha256(layer), "its disk was the layer, read-only");
        assertArrayEquals(snapshotBefore, sha256(entry.file()));
        assertEquals(VmState.RUNNING, restarted.create("c", clone("tpl")).vm().state());
    }

    @Test
    void aSnapshotReplacedUnderItsNameIsCheckedAgain() throws Exception {
        SnapshotStore.Entry entry = template("golden");
        VmSupervisor supervisor = host(factory(Duration.ZERO));
        assertEquals(VmState.RUNNING, supervisor.create("a", clone("golden")).vm().state());
        supervisor.delete("a");

        // The same name, another file: a copy with one byte of guest RAM changed.
        Path copy = dir.resolve("copy.snapshot");
        Files.copy(entry.file(), copy);
        flipRamByte(copy);
        Files.move(copy, entry.file(), StandardCopyOption.REPLACE_EXISTING);

        VmProblemException e =
                assertThrows(
                        VmProblemException.class, () -> supervisor.create("b", clone("golden")));
        assertEquals(422, e.status());
        assertEquals("section 'ram': checksum mismatch", e.getMessage());
        assertTrue(supervisor.find("b").isEmpty());
    }

    @Test
    void aCorruptSnapshotIsNotPreparedAndItsClonesAreRefused() throws Exception {
        SnapshotStore.Entry entry = template("tpl");
        flipRamByte(entry.file());
        VmSupervisor restarted = host(factory(Duration.ofMillis(300)));
        assertEquals(List.of("tpl"), restarted.snapshotNames(), "not checked yet: reported");

        CompletionException failed =
                assertThrows(
                        CompletionException.class,
                        () -> restarted.prepareInBackground("tpl").join());
        assertInstanceOf(SnapshotFormatException.class, failed.getCause());
        assertEquals("section 'ram': checksum mismatch", failed.getCause().getMessage());
        VmProblemException e =
                assertThrows(VmProblemException.class, () -> restarted.create("c", clone("tpl")));
        assertEquals(422, e.status());
        assertTrue(restarted.list().isEmpty());
        // Found damaged, it is no longer among the snapshots the broker hears of.
        assertEquals(List.of(), restarted.snapshotNames());

        // The damage is remembered for this file as it is: mended in place behind the host's back,
        // its modification time put back, it is not read again and stays refused.
        FileTime damaged = Files.getLastModifiedTime(entry.file());
        flipRamByte(entry.file());
        Files.setLastModifiedTime(entry.file(), damaged);
        assertEquals(
                422,
                assertThrows(VmProblemException.class, () -> restarted.create("c", clone("tpl")))
                        .status());
        // Changed as a file is changed, it is checked again, and now passes.
        assertEquals(List.of(), restarted.snapshotNames());
        Files.setLastModifiedTime(entry.file(), FileTime.from(damaged.toInstant().plusSeconds(1)));
        assertEquals(List.of("tpl"), restarted.snapshotNames(), "changed: reported again");
        assertEquals(VmState.RUNNING, restarted.create("c", clone("tpl")).vm().state());
    }

    @Test
    void aNewSnapshotIsPreparedInTheBackground() throws Exception {
        template("first");
        VmSupervisor supervisor = host(factory(Duration.ofMillis(300)));
        Vm c = supervisor.create("c", clone("first")).vm();
        assertEquals(VmState.RUNNING, c.state());
        supervisor.snapshot("c", "second");
        // Queued behind the one snapshot() asked for, on the same thread: when this completes,
        // that one is done, and it used the warm-up.
        Object prepared = supervisor.prepareInBackground("second").join();
        assertEquals(
                new PcMachineFactory.Prepared("second", 0),
                prepared,
                "the warm-up ran once, for the preparation snapshot() started");
    }

    @Test
    void aSnapshotTakenWhileTheHostClosesIsStoredAndClonedAsEver() throws Exception {
        PcMachineFactory factory = factory(Duration.ZERO);
        VmSupervisor closing = host(factory);
        Vm template = closing.create("template", new VmSpec(16, "seabios")).vm();
        TestBios.waitForBootAttempt(template);
        factory.close();

        SnapshotStore.Entry entry = closing.snapshot("template", "late");
        assertTrue(Files.isRegularFile(entry.file()));
        CompletionException refused =
                assertThrows(
                        CompletionException.class,
                        () -> closing.prepareInBackground("late").join());
        assertInstanceOf(IllegalStateException.class, refused.getCause());
        // Its first clone checks it, as clones did before snapshots were prepared.
        assertEquals(VmState.RUNNING, closing.create("c", clone("late")).vm().state());
    }

    /** Flips a byte in the middle of the file's RAM section (its checksum then mismatches). */
    private static void flipRamByte(Path file) throws Exception {
        long at;
        try (SnapshotFile snapshot = SnapshotFile.open(file)) {
            SnapshotFile.SectionInfo ram = snapshot.sections().get("ram");
            at = ram.offset() + ram.length() / 2;
        }
        file.toFile().setWritable(true);
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            channel.write(b, at);
        }
    }

    private static List<String> files(Path dir) throws Exception {
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }
}
