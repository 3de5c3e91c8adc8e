package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.time.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board as firmware sees it: only through I/O ports and physical memory. */
class PcBoardTest {
    @TempDir Path dir;

    private final ManualClock time = new ManualClock();
    private final ByteArrayOutputStream serial = new ByteArrayOutputStream();
    private final ByteArrayOutputStream debug = new ByteArrayOutputStream();
    private int resets;
    private PcBoard board;
    private IoPorts io;
    private PhysicalMemory memory;

    private int powerOffs;

    @BeforeEach
    void build() throws IOException {
        byte[] rom = new byte[64 * 1024];
        rom[rom.length - 16] = (byte) 0xEA; // a far jump at the reset vector
        Path bios = Files.write(dir.resolve("bios.bin"), rom);
        board =
                new PcBoard(
                        MachineConfig.firmware(64, bios, null),
                        time.clock(),
                        0,
                        new BoardEvents() {
                            @Override
                            public void serialTransmitted(int value) {
                                serial.write(value);
                            }

                            @Override
                            public void debugConsole(int value) {
                                debug.write(value);
                            }

                            @Override
                            public void resetRequested() {
                                resets++;
                            }

                            @Override
                            public void powerOffRequested() {
                                powerOffs++;
                            }
                        });
        io = board.ports();
        memory = board.memory();
    }

    @AfterEach
    void close() {
        board.close();
    }

    @Test
    void acpiSleepTypeS5PowersTheBoardOff() {
        io.out(0x604, 2, 5 << 10); // SLP_TYP S5 alone does nothing
        assertEquals(0, powerOffs);
        io.out(0x604, 2, (5 << 10) | (1 << 13)); // with SLP_EN
        assertEquals(1, powerOffs);
    }

    private int cmos(int index) {
        io.out(0x70, 1, index);
        return io.in(0x71, 1);
    }

    private int pciRead(int device, int register, int size) {
        io.out(0xCF8, 4, 0x8000_0000 | (device << 11) | (register & 0xFC));
        return io.in(0xCFC + (register & 3), size);
    }

    private void pciWrite(int device, int register, int size, int value) {
        io.out(0xCF8, 4, 0x8000_0000 | (device << 11) | (register & 0xFC));
        io.out(0xCFC + (register & 3), size, value);
    }

    @Test
    void resetVectorReadsTheBiosRom() {
        assertEquals(0xEA, memory.read8(0xFFFF_FFF0));
        assertEquals(0xEA, memory.read8(0xFFFF0));
    }

    @Test
    void debugConsoleAnswersReadbackAndCollectsText() {
        assertEquals(0xE9, io.in(0x402, 1));
        for (char c : "SeaBIOS".toCharArray()) {
            io.out(0x402, 1, c);
        }
        assertEquals("SeaBIOS", debug.toString());
    }

    @Test
    void cmosReportsMemorySizeAsSeaBiosReadsIt() {
        assertEquals(640, cmos(0x15) | cmos(0x16) << 8);
        assertEquals(63 * 1024, cmos(0x30) | cmos(0x31) << 8);
        assertEquals(63 * 1024, cmos(0x17) | cmos(0x18) << 8);
        // SeaBIOS: RAM = (0x34/0x35 in 64 KiB units) + 16 MiB.
        assertEquals((64 - 16) * 16, cmos(0x34) | cmos(0x35) << 8);
        assertEquals(0, cmos(0x5B) | cmos(0x5C) | cmos(0x5D));
        assertEquals(0, cmos(0x5F));
        assertEquals(0x12, cmos(0x3D));
    }

    @Test
    void pciHostAndIsaBridgesIdentifyAsQemuI440fx() {
        assertEquals(0x1237_8086, pciRead(0, 0x00, 4));
        assertEquals(0x1100_1AF4, pciRead(0, 0x2C, 4), "how SeaBIOS detects QEMU");
        assertEquals(0x0600, pciRead(0, 0x0A, 2));
        assertEquals(0x7000_8086, pciRead(1, 0x00, 4));
        assertEquals(0x80, pciRead(1, 0x0E, 1));
        assertEquals(0x0601, pciRead(1, 0x0A, 2));
        assertEquals(0x8080_8080, pciRead(1, 0x60, 4), "PIRQ routing disabled at power-on");
        assertEquals(-1, pciRead(4, 0x00, 4), "an empty slot");
    }

    @Test
    void pamRegistersShadowTheBiosAsSeaBiosDoes() {
        int romByte = memory.read8(0xFFFF0);
        // SeaBIOS's make_bios_writable: PAM1-6 = 0x33, PAM0 = 0x30, written as dwords.
        int dword58 = pciRead(0, 0x58, 4);
        pciWrite(0, 0x58, 4, (dword58 & 0x0000_FFFF) | 0x3333_0000 | 0x3000);
        pciWrite(0, 0x5C, 4, 0x3333_3333);
        assertEquals(0x30, pciRead(0, 0x59, 1));
        assertEquals(0, memory.read8(0xFFFF0), "shadow RAM still blank");
        memory.write8(0xFFFF0, romByte);
        memory.write32(0xC0000, 0x1234_AA55);
        assertEquals(romByte, memory.read8(0xFFFF0));
        assertEquals(0x1234_AA55, memory.read32(0xC0000));
        // make_bios_readonly: reads from RAM, writes ignored.
        pciWrite(0, 0x59, 1, 0x10);
        memory.write8(0xFFFF0, 0);
        assertEquals(romByte, memory.read8(0xFFFF0));
        board.reset();
        assertEquals(romByte, memory.read8(0xFFFF0), "after reset the ROM is read again");
        assertEquals(0xFF, memory.read8(0xC0000));
    }

    @Test
    void a20FromPort92AndFromTheKeyboardController() {
        memory.write8(0x000000, 0x11);
        memory.write8(0x100000, 0x22);
        assertEquals(0x22, memory.read8(0x100000), "A20 on at power-on");
        io.out(0x64, 1, 0xD1);
        io.out(0x60, 1, 0xDD);
        assertEquals(0x11, memory.read8(0x100000), "8042 output port bit 1 off");
        io.out(0x92, 1, 0x02);
        assertEquals(0x22, memory.read8(0x100000), "fast A20 on");
        assertEquals(0x02, io.in(0x92, 1));
    }

    @Test
    void resetSourcesPulseTheResetLine() {
        io.out(0x64, 1, 0xFE);
        assertEquals(1, resets);
        io.out(0x92, 1, 0x01);
        assertEquals(2, resets);
        io.out(0xCF9, 1, 0x02);
        io.out(0xCF9, 1, 0x06);
        assertEquals(3, resets);
    }

    @Test
    void timerInterruptReachesTheCpuThroughThePics() {
        io.out(0x20, 1, 0x11);
        io.out(0x21, 1, 0x08);
        io.out(0x21, 1, 0x04);
        io.out(0x21, 1, 0x01);
        io.out(0x21, 1, 0xFE);
        io.out(0x43, 1, 0x34);
        io.out(0x40, 1, 0x9C);
        io.out(0x40, 1, 0x2E); // 11932: 10 ms
        assertFalse(board.interrupts().pending());
        time.advance(10_000_000 + 10_000);
        assertTrue(board.interrupts().pending());
        assertEquals(0x08, board.interrupts().acknowledge());
    }

    @Test
    void port61ShowsTimer2OutputForTscCalibration() {
        io.out(0x61, 1, 0x01); // gate on, speaker off
        io.out(0x43, 1, 0xB0); // counter 2, word, mode 0
        io.out(0x42, 1, 0x00);
        io.out(0x42, 1, 0x10); // 4096 ticks
        assertEquals(0, io.in(0x61, 1) & 0x20);
        time.advance(4_000_000);
        assertEquals(0x20, io.in(0x61, 1) & 0x20);
        assertEquals(0x01, io.in(0x61, 1) & 0x0F);
    }

    @Test
    void keyboardReachesPort60AsSet1() {
        io.out(0x64, 1, 0x60);
        io.out(0x60, 1, 0x41);
        board.keyboard().key(0x1C, true);
        assertEquals(0x01, io.in(0x64, 1) & 0x01);
        assertEquals(0x1C, io.in(0x60, 1));
    }

    @Test
    void mouseMovementRaisesIrq12ThroughTheSlavePic() {
        io.out(0x20, 1, 0x11);
        io.out(0x21, 1, 0x08);
        io.out(0x21, 1, 0x04);
        io.out(0x21, 1, 0x01);
        io.out(0xA0, 1, 0x11);
        io.out(0xA1, 1, 0x70);
        io.out(0xA1, 1, 0x02);
        io.out(0xA1, 1, 0x01);
        io.out(0x21, 1, 0xFB); // only the cascade
        io.out(0xA1, 1, 0xEF); // only IRQ12
        io.out(0x64, 1, 0xD4);
        io.out(0x60, 1, 0xF4);
        assertEquals(0xFA, io.in(0x60, 1));
        io.out(0x64, 1, 0x60);
        io.out(0x60, 1, 0x47); // translate, system flag, both interrupts
        board.pointer().pointer(10, 10, 0);
        board.pointer().pointer(13, 10, 0);
        assertTrue(board.interrupts().pending());
        assertEquals(0x74, board.interrupts().acknowledge());
        assertEquals(0x08, io.in(0x60, 1));
        assertEquals(3, io.in(0x60, 1));
        assertEquals(0, io.in(0x60, 1));
    }

    @Test
    void com1TransmitsToTheHostAndReceivesFromIt() {
        io.out(0x3F8, 1, 'A');
        assertEquals("A", serial.toString());
        assertTrue(board.serialReceive('z'));
        assertEquals(0x01, io.in(0x3FD, 1) & 0x01);
        assertEquals('z', io.in(0x3F8, 1));
    }

    @Test
    void snapshotRestoresEveryChipOntoAFreshBoard() throws IOException {
        // Firmware-like setup: PICs with only IRQ0 open, a 10 ms timer, PAM shadow writable,
        // A20 off, CMOS and UART scratch bytes, the VGA's BARs placed and enabled.
        io.out(0x20, 1, 0x11);
        io.out(0x21, 1, 0x08);
        io.out(0x21, 1, 0x04);
        io.out(0x21, 1, 0x01);
        io.out(0x21, 1, 0xFE);
        io.out(0x43, 1, 0x34);
        io.out(0x40, 1, 0x9C);
        io.out(0x40, 1, 0x2E);
        pciWrite(0, 0x59, 1, 0x30);
        io.out(0x64, 1, 0xD1);
        io.out(0x60, 1, 0xDD);
        io.out(0x70, 1, 0x40);
        io.out(0x71, 1, 0x5A);
        io.out(0x3FF, 1, 0xC3);
        io.out(0x602, 2, 0x0121); // ACPI PM1a enables
        pciWrite(2, 0x10, 4, 0xFD00_0000);
        pciWrite(2, 0x04, 2, 0x0003);
        time.advance(3_000_000);
        PcBoardState state = board.snapshot();

        ManualClock otherTime = new ManualClock();
        otherTime.advance(123_456_789);
        Path bios = dir.resolve("bios.bin");
        PcBoard copy =
                new PcBoard(
                        MachineConfig.firmware(64, bios, null),
                        otherTime.clock(),
                        0,
                        new SilentBoardEvents());
        try {
            copy.restore(state);
            assertEquals(state.virtualNanos(), otherTime.clock().nanos());
            IoPorts cio = copy.ports();
            PhysicalMemory cmem = copy.memory();
            cio.out(0x70, 1, 0x40);
            assertEquals(0x5A, cio.in(0x71, 1));
            assertEquals(0xC3, cio.in(0x3FF, 1));
            assertEquals(0x0121, cio.in(0x602, 2));
            assertEquals(0xFE, cio.in(0x21, 1));
            cio.out(0xCF8, 4, 0x8000_1010);
            assertEquals(0xFD00_0008, cio.in(0xCFC, 4));
            cmem.write8(0xF0010, 0x99);
            assertEquals(0x99, cmem.read8(0xF0010), "PAM shadow read/write restored");
            cmem.write8(0x000020, 0x11);
            cmem.write8(0x100020, 0x22);
            assertEquals(0x22, cmem.read8(0x000020), "A20 still off");
            assertFalse(copy.interrupts().pending());
            otherTime.advance(7_100_000);
            assertTrue(copy.interrupts().pending(), "the timer runs on from 3 ms into its period");
            assertEquals(0x08, copy.interrupts().acknowledge());
        } finally {
            copy.close();
        }
    }

    @Test
    void unclaimedPortsFloatHigh() {
        assertEquals(0xFF, io.in(0x2F8, 1));
        assertEquals(0xFFFF, io.in(0x2E8, 2)); // COM4: no chip there
        assertEquals(-1, io.in(0xCFC, 4), "no PCI cycle selected");
    }
}
