package org.atrium.emulator.device.rtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.atrium.emulator.device.RecordingLine;
import org.atrium.emulator.time.ManualClock;
import org.junit.jupiter.api.Test;

class Mc146818Test {
    private static final long SECOND = 1_000_000_000L;
    private final ManualClock time = new ManualClock();
    private final RecordingLine irq = new RecordingLine();
    // 2024-02-29T23:59:58.000Z, a Thursday.
    private final Mc146818 rtc =
            new Mc146818(time.clock(), irq, Instant.parse("2024-02-29T23:59:58Z").toEpochMilli());

    private int reg(int index) {
        rtc.write(0, 1, index);
        return rtc.read(1, 1);
    }

    private void set(int index, int value) {
        rtc.write(0, 1, index);
        rtc.write(1, 1, value);
    }

    @Test
    void showsHostTimeInBcdByDefault() {
        assertEquals(0x58, reg(0x00));
        assertEquals(0x59, reg(0x02));
        assertEquals(0x23, reg(0x04));
        assertEquals(0x29, reg(0x07));
        assertEquals(0x02, reg(0x08));
        assertEquals(0x24, reg(0x09));
        assertEquals(0x20, reg(0x32));
        assertEquals(5, reg(0x06), "Thursday is day 5, Sunday day 1");
    }

    @Test
    void timeAdvancesWithVirtualTimeAcrossALeapDay() {
        time.advance(3 * SECOND);
        assertEquals(0x01, reg(0x00));
        assertEquals(0x00, reg(0x04));
        assertEquals(0x01, reg(0x07));
        assertEquals(0x03, reg(0x08));
    }

    @Test
    void binaryAnd12HourModes() {
        set(0x0B, 0x04); // binary, 12-hour
        assertEquals(58, reg(0x00));
        assertEquals(0x80 | 11, reg(0x04), "11 PM");
    }

    @Test
    void guestSetsTheTimeWithTheSetBit() {
        set(0x0B, 0x82);
        set(0x00, 0x30);
        set(0x02, 0x15);
        set(0x04, 0x10);
        set(0x07, 0x01);
        set(0x08, 0x06);
        set(0x09, 0x99);
        set(0x32, 0x19);
        time.advance(5 * SECOND);
        assertEquals(0x30, reg(0x00), "frozen while SET");
        set(0x0B, 0x02);
        time.advance(2 * SECOND);
        assertEquals(0x32, reg(0x00));
        assertEquals(0x99, reg(0x09));
        assertEquals(0x19, reg(0x32));
    }

    @Test
    void updateInProgressNearTheEndOfEachSecond() {
        assertEquals(0, reg(0x0A) & 0x80);
        time.advance(SECOND - 100_000);
        assertEquals(0x80, reg(0x0A) & 0x80);
        assertEquals(0x26, reg(0x0A) & 0x7F);
    }

    @Test
    void periodicInterruptAtTheSelectedRateUntilRegisterCIsRead() {
        set(0x0A, 0x26); // 1024 Hz
        set(0x0B, 0x42); // PIE
        time.advance(SECOND / 1024 + 1);
        assertTrue(irq.level());
        assertEquals(0xC0, reg(0x0C) & 0xC0);
        assertFalse(irq.level());
        assertEquals(0, reg(0x0C) & 0xC0, "reading C cleared it");
        for (int i = 0; i < 16; i++) {
            time.advance(SECOND / 1024);
            assertEquals(0xC0, reg(0x0C) & 0xC0);
        }
        assertEquals(17, irq.risingEdges(), "every tick raises again after C was read");
    }

    @Test
    void periodicTicksRaiseOnlyOneEdgeUntilAcknowledged() {
        set(0x0B, 0x42);
        time.advanceInSteps(SECOND / 8, SECOND / 2048);
        assertEquals(1, irq.risingEdges());
    }

    @Test
    void updateEndedInterruptEverySecond() {
        set(0x05, 0x12); // an alarm hour that does not match
        set(0x0B, 0x12); // UIE
        time.advance(2 * SECOND + 1);
        assertTrue(irq.level());
        assertEquals(0x90, reg(0x0C) & 0xF0);
        assertEquals(0x00, reg(0x00) & 0xFF);
    }

    @Test
    void alarmInterruptWhenTimeMatches() {
        set(0x01, 0x00);
        set(0x03, 0xC0); // any minute
        set(0x05, 0xC0); // any hour
        set(0x0B, 0x22); // AIE
        time.advance(SECOND + 1);
        assertFalse(irq.level(), "23:59:59 does not match second 00");
        time.advance(SECOND);
        assertTrue(irq.level());
        assertEquals(0xA0, reg(0x0C) & 0xA0);
    }

    @Test
    void cmosRamHoldsBoardBytesAndGuestWrites() {
        rtc.setCmos(0x34, 0x12);
        assertEquals(0x12, reg(0x34));
        set(0x50, 0xAB);
        assertEquals(0xAB, reg(0x50));
        assertEquals(0x80, reg(0x0D), "valid RAM and time");
    }

    @Test
    void bit7OfTheIndexPortMasksNmi() {
        rtc.write(0, 1, 0x8F);
        assertTrue(rtc.nmiDisabled());
        rtc.write(0, 1, 0x0F);
        assertFalse(rtc.nmiDisabled());
    }

    @Test
    void snapshotKeepsTimeRamAndInterruptsOnTheSameClock() {
        set(0x0B, 0x06 | 0x40); // binary, 24 h, periodic interrupts
        set(0x51, 0x77);
        rtc.write(0, 1, 0x8F);
        time.advance(SECOND / 2);
        Mc146818State state = rtc.snapshot();

        RecordingLine copyIrq = new RecordingLine();
        Mc146818 copy = new Mc146818(time.clock(), copyIrq, 0);
        copy.restore(state);
        assertTrue(copy.nmiDisabled());
        assertTrue(copyIrq.level(), "a periodic tick was pending in register C");
        time.advance(2 * SECOND);
        copy.write(0, 1, 0x00);
        assertEquals(0, copy.read(1, 1), "seconds rolled over to 00 in binary");
        copy.write(0, 1, 0x51);
        assertEquals(0x77, copy.read(1, 1));
        copy.write(0, 1, 0x0C);
        assertEquals(0xC0, copy.read(1, 1) & 0xC0);
        time.advance(SECOND / 1024 + 1);
        assertTrue(copyIrq.level(), "periodic interrupts go on");
    }

    @Test
    void snapshotRecordRefusesWrongRamSize() {
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> new Mc146818State(new byte[64], 0, false, 0, 0, 0, 0));
    }
}
