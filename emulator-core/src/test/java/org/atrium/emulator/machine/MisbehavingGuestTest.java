package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guests that go wrong, on the real CPU and board: garbage code must end in what a PC does (an
 * invalid opcode, faults that cannot be delivered, a triple fault and a reset), and a guest that
 * never yields must still stop when the host asks.
 */
class MisbehavingGuestTest {
    private static final int ROM = 64 * 1024;

    @TempDir Path dir;

    private final BlockingQueue<ExitReason> exits = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private PcMachine machine;

    @AfterEach
    void stop() {
        if (machine != null) {
            machine.stop();
        }
    }

    private PcMachine start(MachineConfig config, boolean exitOnReset) throws Exception {
        machine = new PcMachine(config);
        machine.exitOnGuestReset(exitOnReset);
        machine.addExitListener(
                (reason, error) -> {
                    exits.add(reason);
                    if (error != null) {
                        errors.add(error);
                    }
                });
        machine.start();
        return machine;
    }

    /** A BIOS ROM of {@code fill} bytes with {@code code} at the reset vector (F000:FFF0). */
    private Path rom(int fill, int... code) throws Exception {
        byte[] rom = new byte[ROM];
        Arrays.fill(rom, (byte) fill);
        for (int i = 0; i < code.length; i++) {
            rom[ROM - 16 + i] = (byte) code[i];
        }
        return Files.write(dir.resolve("rom.bin"), rom);
    }

    /**
     * A bzImage whose 32-bit kernel is all 0xFF: the first instruction (FF FF, group 5 /7) is
     * undefined. The loader's protected mode has no IDT entries, so #UD, then #GP for the missing
     * gate, then the double fault cannot be delivered either: a triple fault.
     */
    private Path garbageKernel() throws Exception {
        int setupSectors = 4;
        int setupBytes = (setupSectors + 1) * 512;
        int kernelBytes = 4096;
        ByteBuffer b = ByteBuffer.allocate(setupBytes + kernelBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSectors);
        b.putInt(0x1F4, kernelBytes / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.putInt(0x202, 0x53726448); // "HdrS"
        b.putShort(0x206, (short) 0x020F);
        b.put(0x211, (byte) 0x01); // LOADED_HIGH
        b.putInt(0x214, 0x100000);
        b.putInt(0x22C, 0x7FFFFFFF);
        b.putInt(0x238, 2047);
        b.putInt(0x260, 0x10000);
        for (int i = 0; i < kernelBytes; i++) {
            b.put(setupBytes + i, (byte) 0xFF);
        }
        return Files.write(dir.resolve("garbage-bzImage"), b.array());
    }

    @Test
    void garbageKernelTripleFaultsAndEndsTheMachineWithNoReboot() throws Exception {
        start(MachineConfig.linux(16, null, garbageKernel(), null, null), true);
        assertEquals(ExitReason.TRIPLE_FAULT, exits.poll(60, TimeUnit.SECONDS));
        assertNull(errors.poll(), "a guest fault is not an emulator error");
        assertEquals(MachineState.STOPPED, machine.state());
    }

    @Test
    void garbageKernelResetsInALoopThatTheHostCanStop() throws Exception {
        start(MachineConfig.linux(16, null, garbageKernel(), null, null), false);
        // Each triple fault resets the PC, which loads and runs the same kernel again.
        assertNull(exits.poll(2, TimeUnit.SECONDS), "a reset does not end the machine");
        assertEquals(MachineState.RUNNING, machine.state());
        machine.stop();
        assertEquals(ExitReason.STOPPED_BY_HOST, exits.poll(60, TimeUnit.SECONDS));
        assertNull(errors.poll());
    }

    @Test
    void interruptsOffTightLoopStopsOnRequest() throws Exception {
        start(MachineConfig.firmware(16, rom(0x00, 0xFA, 0xEB, 0xFE), null), true); // cli; jmp $
        assertNull(exits.poll(1, TimeUnit.SECONDS), "the loop runs");
        machine.stop(); // returns once the machine's thread has ended
        assertEquals(MachineState.STOPPED, machine.state());
        assertEquals(ExitReason.STOPPED_BY_HOST, exits.poll(0, TimeUnit.SECONDS));
    }

    @Test
    void romOfAllOnesRunsItsUndefinedOpcodeHandlerUntilStopped() throws Exception {
        // FF FF raises #UD; the real-mode vector 6 in zeroed RAM leads to 0000:0000, where zero
        // bytes are ADD instructions: the guest runs on without a fault, as a PC would.
        start(MachineConfig.firmware(16, rom(0xFF), null), true);
        assertNull(exits.poll(1, TimeUnit.SECONDS));
        machine.stop();
        assertEquals(ExitReason.STOPPED_BY_HOST, exits.poll(0, TimeUnit.SECONDS));
        assertNull(errors.poll());
    }
}
