package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineConfigTest {
    @Test
    void decodedBlocksAreOnUnlessTurnedOffAndSurviveOtherChanges() {
        MachineConfig firmware = MachineConfig.firmware(32, Path.of("bios.bin"), null);
        MachineConfig linux = MachineConfig.linux(64, null, Path.of("vmlinuz"), null, "quiet");
        assertTrue(firmware.decodedBlocks(), "as ./atrium vm runs");
        assertTrue(linux.decodedBlocks());

        MachineConfig off = linux.withDecodedBlocks(false);
        assertFalse(off.decodedBlocks());
        assertEquals(linux.kernel(), off.kernel(), "nothing else changes");
        assertEquals(linux.commandLine(), off.commandLine());

        MachineConfig withDrive =
                off.withDrives(List.of(DriveConfig.cdrom(0, Path.of("disk.iso"))));
        assertFalse(withDrive.decodedBlocks(), "kept when the drives change");
        assertEquals(1, withDrive.drives().size());
    }
}
