package org.atrium.emulator.device.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.atrium.emulator.device.RecordingLine;
import org.junit.jupiter.api.Test;

class Uart16550Test {
    private final RecordingLine irq = new RecordingLine();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final Uart16550 uart = new Uart16550(irq, sent::write);

    @Test
    void transmittedBytesReachTheHost() {
        uart.write(0, 1, 'h');
        uart.write(0, 1, 'i');
        assertEquals("hi", sent.toString());
        assertEquals(0x60, uart.read(5, 1) & 0x60, "THR and transmitter empty");
    }

    @Test
    void loopbackReturnsTransmittedBytesAndModemLines() {
        uart.write(4, 1, 0x10 | 0x03); // loop, RTS, DTR
        uart.write(0, 1, 0x5A);
        assertEquals(0, sent.size());
        assertEquals(0x01, uart.read(5, 1) & 0x01);
        assertEquals(0x5A, uart.read(0, 1));
        assertEquals(0x30, uart.read(6, 1) & 0xF0, "CTS and DSR follow RTS and DTR");
    }

    @Test
    void divisorLatchBehindDlab() {
        uart.write(3, 1, 0x80);
        uart.write(0, 1, 0x01);
        uart.write(1, 1, 0x00);
        assertEquals(0x01, uart.read(0, 1));
        uart.write(3, 1, 0x03);
        assertEquals(0x03, uart.read(3, 1));
        assertEquals(0x00, uart.read(1, 1), "IER, not the latch");
    }

    @Test
    void receiveInterruptNeedsIerAndOut2() {
        uart.write(1, 1, 0x01);
        assertTrue(uart.receive('a'));
        assertFalse(irq.level(), "OUT2 gates the IRQ on a PC");
        uart.write(4, 1, 0x08);
        assertTrue(irq.level());
        assertEquals(0x04, uart.read(2, 1) & 0x0F);
        assertEquals('a', uart.read(0, 1));
        assertFalse(irq.level());
        assertEquals(0x01, uart.read(2, 1) & 0x0F);
    }

    @Test
    void fifoHoldsSixteenBytesAndReportsTriggerLevel() {
        uart.write(2, 1, 0x81); // FIFO on, trigger 8
        uart.write(1, 1, 0x01);
        uart.write(4, 1, 0x08);
        for (int i = 0; i < 16; i++) {
            assertTrue(uart.receive(i));
        }
        assertFalse(uart.receive(99), "full: host keeps the byte");
        assertEquals(0xC4, uart.read(2, 1), "FIFOs enabled, data at trigger level");
        for (int i = 0; i < 10; i++) {
            assertEquals(i, uart.read(0, 1));
        }
        assertEquals(0xCC, uart.read(2, 1), "below trigger: character timeout");
    }

    @Test
    void withoutFifoOnlyOneByteIsHeld() {
        assertTrue(uart.receive(1));
        assertFalse(uart.receive(2));
    }

    @Test
    void thrEmptyInterruptClearedByReadingIir() {
        uart.write(4, 1, 0x08);
        uart.write(1, 1, 0x02);
        assertTrue(irq.level());
        assertEquals(0x02, uart.read(2, 1) & 0x0F);
        assertFalse(irq.level());
        uart.write(0, 1, 'x');
        assertTrue(irq.level(), "a new byte sent empties THR again");
    }

    @Test
    void overrunInLoopbackSetsLineStatusError() {
        uart.write(4, 1, 0x10);
        uart.write(0, 1, 1);
        uart.write(0, 1, 2);
        assertEquals(0x03, uart.read(5, 1) & 0x03);
        assertEquals(0x01, uart.read(5, 1) & 0x03, "error bits clear on read");
    }

    @Test
    void scratchRegister() {
        uart.write(7, 1, 0xA5);
        assertEquals(0xA5, uart.read(7, 1));
    }

    @Test
    void snapshotKeepsRegistersAndUnreadBytes() {
        uart.write(2, 1, 0x41); // FIFO on, trigger 4
        uart.write(1, 1, 0x01);
        uart.write(4, 1, 0x0B);
        uart.write(7, 1, 0x5C);
        uart.receive('o');
        uart.receive('k');
        Uart16550State state = uart.snapshot();

        RecordingLine copyIrq = new RecordingLine();
        Uart16550 copy = new Uart16550(copyIrq, b -> {});
        copy.restore(state);
        assertTrue(copyIrq.level(), "data below the trigger level: timeout interrupt");
        assertEquals(0xCC, copy.read(2, 1));
        assertEquals('o', copy.read(0, 1));
        assertEquals('k', copy.read(0, 1));
        assertEquals(0x5C, copy.read(7, 1));
        assertEquals(0x0B, copy.read(4, 1));
    }

    @Test
    void snapshotRecordRefusesAnOverfullFifo() {
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new Uart16550State(new byte[2], 12, 0, 0, 0, 0, 0, 0, false, 1, false));
    }
}
