package org.atrium.host.vm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.atrium.emulator.machine.MachineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM whose guest announces itself counts as up only once the announcement arrived on its serial
 * port, and again only after it repeated it following a reset. The "guest" is a 64 KiB BIOS image
 * made here that writes one line to COM1 and halts, run by the real emulator.
 */
class GuestReadyTest {
    private static final String MARKER = LinuxMachineFactory.GUEST_READY;

    @TempDir Path dir;

    @Test
    void aGuestCountsAsUpOnlyAfterItsAnnouncementAndAgainAfterAReset() throws Exception {
        PcMachineVm vm =
                PcMachineVm.create(MachineConfig.firmware(4, bios(MARKER + " test\n"), null));
        try {
            vm.watchGuest(MARKER);
            assertFalse(vm.guestReady(), "not started yet");
            vm.start();
            await(vm::guestReady, "the guest's announcement");

            vm.reset();
            assertFalse(vm.guestReady(), "a reset guest has to announce itself again");
            await(vm::guestReady, "the announcement after the reset");
        } finally {
            vm.stop();
        }
    }

    @Test
    void aGuestThatSaysSomethingElseIsNotUp() throws Exception {
        PcMachineVm vm =
                PcMachineVm.create(MachineConfig.firmware(4, bios("ATRIUM-GUEST-BOOTING\n"), null));
        try {
            vm.watchGuest(MARKER);
            vm.start();
            await(
                    () -> vm.machine().serialText().contains("ATRIUM-GUEST-BOOTING"),
                    "the guest's line");
            assertFalse(vm.guestReady(), "the guest wrote its line and halted, never the marker");
        } finally {
            vm.stop();
        }
    }

    @Test
    void aMachineNotWatchedIsUpWhileItRuns() throws Exception {
        PcMachineVm vm = PcMachineVm.create(MachineConfig.firmware(4, bios("hello\n"), null));
        try {
            assertFalse(vm.guestReady(), "not started yet");
            vm.start();
            assertTrue(vm.guestReady());
        } finally {
            vm.stop();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("no " + what + " within 30 s");
            }
            Thread.sleep(20);
        }
    }

    /**
     * A BIOS image (mapped at F0000) whose reset vector jumps to F000:0000, where a loop writes
     * {@code line} to COM1's transmit register (port 3F8) byte by byte, then halts for good.
     */
    private Path bios(String line) throws Exception {
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.writeBytes(
                new byte[] {
                    (byte) 0xBA,
                    (byte) 0xF8,
                    0x03, // mov dx, 0x3f8
                    (byte) 0xBE,
                    0x13,
                    0x00, // mov si, message (offset 0x13)
                    0x2E,
                    (byte) 0xAC, // loop: cs lodsb
                    (byte) 0x84,
                    (byte) 0xC0, // test al, al
                    0x74,
                    0x03, // jz done
                    (byte) 0xEE, // out dx, al
                    (byte) 0xEB,
                    (byte) 0xF7, // jmp loop
                    (byte) 0xFA, // done: cli
                    (byte) 0xF4, // hlt
                    (byte) 0xEB,
                    (byte) 0xFC // jmp done
                });
        code.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        code.write(0);
        byte[] image = new byte[65536];
        byte[] program = code.toByteArray();
        System.arraycopy(program, 0, image, 0, program.length);
        // The reset vector at FFFF0: jmp far F000:0000.
        byte[] jump = {(byte) 0xEA, 0x00, 0x00, 0x00, (byte) 0xF0};
        System.arraycopy(jump, 0, image, 0xFFF0, jump.length);
        Path file = dir.resolve("bios.bin");
        Files.write(file, image);
        return file;
    }
}
