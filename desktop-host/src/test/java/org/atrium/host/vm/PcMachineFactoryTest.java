package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.atrium.emulator.machine.DecodedBlocks;
import org.atrium.emulator.storage.ImageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production factory with the real PcMachine and the SeaBIOS images when installed. */
class PcMachineFactoryTest {
    static final Path SEABIOS = TestBios.SEABIOS;

    private static void assumeSeaBios() {
        TestBios.assumeInstalled();
    }

    @Test
    void buildsAPcMachineFromTheFirmwareDirectory() {
        assumeSeaBios();
        VmMachine machine = new PcMachineFactory(SEABIOS).create("fw", new VmSpec(32, "seabios"));
        try {
            assertEquals(PcMachineVm.class, machine.getClass());
            assertEquals(VmState.STOPPED, machine.state(), "built, not started");
            assertEquals(true, machine.display().width() > 0 && machine.display().height() > 0);
        } finally {
            machine.stop();
        }
    }

    @Test
    void theMachinesRunAsTheHostSays() {
        assumeSeaBios();
        for (DecodedBlocks when : DecodedBlocks.values()) {
            Duration slack = Duration.ofMillis(when.ordinal() * 10);
            var factory =
                    new PcMachineFactory(
                            SEABIOS, null, null, null, null, new MachineTuning(when, slack));
            var machine = (PcMachineVm) factory.create("fw", new VmSpec(32, "seabios"));
            try {
                assertEquals(when, machine.machine().config().decodedBlocks());
                assertEquals(slack, machine.machine().config().idleTimerSlack());
            } finally {
                machine.stop();
            }
        }
        assertEquals(
                new MachineTuning(DecodedBlocks.WHEN_BUSY, Duration.ofMillis(16)),
                new PcMachineFactory(SEABIOS).tuning(),
                "the host's default");
    }

    @Test
    void anIdleTimerSlackOutOfRangeIsRefusedAtOnce() {
        for (Duration bad : new Duration[] {Duration.ofMillis(-1), Duration.ofMillis(1001)}) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new MachineTuning(DecodedBlocks.WHEN_BUSY, bad),
                    bad.toString());
        }
    }

    @Test
    void missingFirmwareIsA503(@TempDir Path empty) {
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> new PcMachineFactory(empty).create("fw", new VmSpec(32, "seabios")));
        assertEquals(503, e.status());
        assertEquals("Firmware missing", e.title());
    }

    @Test
    void memoryOutsideTheMachinesRangeIsA400(@TempDir Path dir) {
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> new PcMachineFactory(dir).create("fw", new VmSpec(1, "seabios")));
        assertEquals(400, e.status());
    }

    @Test
    void unusableFirmwareIsA503(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve(PcMachineFactory.BIOS), new byte[1000]);
        Files.write(dir.resolve(PcMachineFactory.VGA_BIOS), new byte[512]);
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> new PcMachineFactory(dir).create("fw", new VmSpec(32, "seabios")));
        assertEquals(503, e.status());
        assertEquals("Firmware not usable", e.title());
    }

    private static VmSpec withDisk() {
        return new VmSpec(32, "seabios").withDisks(List.of(DiskSpec.of("golden.qcow2", null)));
    }

    @Test
    void disksOnAHostWithoutAnImageStoreAre501() {
        assumeTrue(Files.isReadable(SEABIOS.resolve(PcMachineFactory.BIOS)), "no SeaBIOS");
        VmProblemException e =
                assertThrows(
                        VmProblemException.class,
                        () -> new PcMachineFactory(SEABIOS).create("vm", withDisk()));
        assertEquals(501, e.status());
    }

    @Test
    void aVmsOverlayIsItsDiskAndACorruptOneIs422WithoutAHostPath(@TempDir Path dir)
            throws Exception {
        assumeSeaBios();
        DiskStore disks = new DiskStore(dir);
        new ImageStore(dir).createQcow2("golden.qcow2", 1 << 20);
        disks.createOverlays("vm", withDisk().disks());
        PcMachineFactory factory = new PcMachineFactory(SEABIOS, null, null, null, disks);
        factory.create("vm", withDisk()).stop();

        // The overlay broken behind the host's back: the machine is not built.
        Files.write(dir.resolve(DiskStore.overlayName("vm", 0)), new byte[] {'Q', 'F', 'I', -5});
        VmProblemException e =
                assertThrows(VmProblemException.class, () -> factory.create("vm", withDisk()));
        assertEquals(422, e.status());
        assertEquals("Disk not usable", e.title());
        assertFalse(e.getMessage().contains(dir.toString()), e.getMessage());
    }
}
