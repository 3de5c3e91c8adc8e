package org.atrium.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.atrium.emulator.bus.ByteArrayMemory;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.NoPorts;
import org.atrium.emulator.memory.MemoryMap;
import org.junit.jupiter.api.Test;

/**
 * The CPU's fast path to plain RAM pages must follow the board: a page it already reads directly
 * moves when the A20 gate closes, and code it fetches directly sees the stores that change it; and
 * it reads by host address only inside the RAM segment it was given.
 */
class DirectMemoryTest {
    private static final InterruptSource NO_INTERRUPTS =
            new InterruptSource() {
                @Override
                public boolean pending() {
                    return false;
                }

                @Override
                public int acknowledge() {
                    return 0xFF;
                }
            };

    @Test
    void closingTheA20GateMovesAPageTheCpuAlreadyReads() {
        MemoryMap memory = new MemoryMap(2 << 20, new byte[0x10000]);
        // A port write closes the gate, as port 0x92 does on a PC.
        IoPorts ports =
                new IoPorts() {
                    @Override
                    public int in(int port, int size) {
                        return -1;
                    }

                    @Override
                    public void out(int port, int size, int value) {
                        memory.setA20(false);
                    }
                };
        Cpu cpu = new Cpu(memory, ports, NO_INTERRUPTS, () -> 0L);
        memory.write8(0x000010, 0x11);
        memory.write8(0x100010, 0x22);
        // mov ax,0xffff; mov ds,ax; mov al,[0x20]; mov bl,al; out 0x92,al; mov al,[0x20]; hlt
        byte[] code = TestMachine.hex("b8 ff ff 8e d8 a0 20 00 88 c3 e6 92 a0 20 00 f4");
        for (int i = 0; i < code.length; i++) {
            memory.write8(0x1000 + i, code[i]);
        }
        cpu.setSegmentReal(Cpu.CS, 0);
        cpu.setEip(0x1000);
        // One run call: the gate closes between two instructions of it.
        cpu.run(100);
        assertTrue(cpu.halted());
        assertEquals(0x22, cpu.ebx() & 0xFF, "FFFF:0020 with A20 open is 0x100010");
        assertEquals(0x11, cpu.eax() & 0xFF, "FFFF:0020 with A20 closed wraps to 0x10");
        memory.close();
    }

    @Test
    void aPageOutsideTheRamSegmentGoesThroughTheBus() {
        try (Arena arena = Arena.ofConfined()) {
            // Host memory of three pages, of which the CPU is given only the first as RAM; the
            // board wrongly calls every page RAM. The third page, outside the segment, holds a
            // marker that the CPU must not read.
            MemorySegment host = arena.allocate(0x3000, 0x1000);
            MemorySegment ram = host.asSlice(0, 0x1000);
            ValueLayout.OfInt le32 =
                    ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            host.set(le32, 0x2000, 0xDEADBEEF);
            ByteArrayMemory bus =
                    new ByteArrayMemory(0x3000) {
                        @Override
                        public MemorySegment directMemory() {
                            return ram;
                        }

                        @Override
                        public long directPage(int address) {
                            return address & 0xFFFFF000L;
                        }
                    };
            bus.write32(0x2000, 0x11223344);
            // mov eax,[0x2000]; mov ebx,[0x2000]; hlt (at 0000:0100): the first read translates
            // the page, and would put it in the CPU's fast path if it were RAM; the second would
            // then read it there.
            byte[] code = TestMachine.hex("66 a1 00 20 66 8b 1e 00 20 f4");
            for (int i = 0; i < code.length; i++) {
                bus.write8(0x100 + i, code[i]);
                ram.set(ValueLayout.JAVA_BYTE, 0x100 + i, code[i]);
            }
            Cpu cpu = new Cpu(bus, new NoPorts(), NO_INTERRUPTS, () -> 0L);
            cpu.setSegmentReal(Cpu.CS, 0);
            cpu.setEip(0x100);
            cpu.run(100);
            assertTrue(cpu.halted());
            assertEquals(0x11223344, cpu.eax(), "read through the bus");
            assertEquals(0x11223344, cpu.ebx(), "read through the bus again, not past the segment");
        }
    }

    @Test
    void aStoreIntoTheNextInstructionChangesWhatRuns() {
        TestMachine m = new TestMachine();
        // mov byte [0x1008],0x42; nop; nop; mov al,0x11 (its immediate at 0x1008); hlt
        m.startRealAt(0x1000, "c6 06 08 10 42 90 90 b0 11 f4");
        m.runToHalt();
        assertEquals(0x42, m.cpu.eax() & 0xFF);
    }
}
