package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineConfigTest {
    @Test
    void decodedBlocksAreAlwaysOnUnlessSaidOtherwiseAndSurviveOtherChanges() {
        MachineConfig firmware = MachineConfig.firmware(32, Path.of("bios.bin"), null);
        MachineConfig linux = MachineConfig.linux(64, null, Path.of("vmlinuz"), null, "quiet");
        assertEquals(DecodedBlocks.ALWAYS, firmware.decodedBlocks(), "as ./atrium vm runs");
        assertEquals(DecodedBlocks.ALWAYS, linux.decodedBlocks());

        MachineConfig off = linux.withDecodedBlocks(DecodedBlocks.WHEN_BUSY);
        assertEquals(DecodedBlocks.WHEN_BUSY, off.decodedBlocks());
        assertEquals(linux.kernel(), off.kernel(), "nothing else changes");
        assertEquals(linux.commandLine(), off.commandLine());

        MachineConfig withDrive =
                off.withDrives(List.of(DriveConfig.cdrom(0, Path.of("disk.iso"))));
        assertEquals(
                DecodedBlocks.WHEN_BUSY, withDrive.decodedBlocks(), "kept when the drives change");
        assertEquals(1, withDrive.drives().size());
        assertThrows(NullPointerException.class, () -> linux.withDecodedBlocks(null));
    }

    @Test
    void idleTimerSlackIsNoneUnlessSaidOtherwiseAndBounded() {
        MachineConfig linux = MachineConfig.linux(64, null, Path.of("vmlinuz"), null, "quiet");
        assertEquals(Duration.ZERO, linux.idleTimerSlack(), "./atrium vm times exactly");
        MachineConfig idle = linux.withIdleTimerSlack(Duration.ofMillis(16));
        assertEquals(Duration.ofMillis(16), idle.idleTimerSlack());
        assertEquals(
                Duration.ofMillis(16),
                idle.withDecodedBlocks(DecodedBlocks.NEVER).withDrives(List.of()).idleTimerSlack(),
                "kept when other settings change");
        assertEquals(
                Duration.ofSeconds(1),
                linux.withIdleTimerSlack(MachineConfig.MAX_IDLE_TIMER_SLACK).idleTimerSlack());
        assertThrows(
                IllegalArgumentException.class,
                () -> linux.withIdleTimerSlack(Duration.ofNanos(-1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> linux.withIdleTimerSlack(Duration.ofMillis(1001)));
        assertThrows(NullPointerException.class, () -> linux.withIdleTimerSlack(null));
    }
}
