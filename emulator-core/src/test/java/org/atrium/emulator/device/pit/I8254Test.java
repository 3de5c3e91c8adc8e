package org.atrium.emulator.device.pit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.atrium.emulator.device.RecordingLine;
import org.atrium.emulator.time.ManualClock;
import org.junit.jupiter.api.Test;

class I8254Test {
    private final ManualClock time = new ManualClock();
    private final RecordingLine irq0 = new RecordingLine();
    private final I8254 pit = new I8254(time.clock(), irq0);

    /** Virtual nanoseconds of {@code ticks} input clocks, rounded up. */
    private static long ticks(long ticks) {
        return (ticks * 1_000_000_000L + I8254.FREQUENCY - 1) / I8254.FREQUENCY;
    }

    private void program(int channel, int mode, int count) {
        pit.write(3, 1, (channel << 6) | 0x30 | (mode << 1));
        pit.write(channel, 1, count & 0xFF);
        pit.write(channel, 1, count >> 8);
    }

    private int latchAndRead(int channel) {
        pit.write(3, 1, channel << 6);
        int low = pit.read(channel, 1);
        return low | (pit.read(channel, 1) << 8);
    }

    @Test
    void rateGeneratorInterruptsOncePerPeriod() {
        program(0, 2, 1193);
        int before = irq0.risingEdges();
        time.advanceInSteps(ticks(1193 * 10), 100_000);
        assertEquals(10, irq0.risingEdges() - before);
    }

    @Test
    void lateTimersStillDeliverEveryEdge() {
        program(0, 2, 1193);
        int before = irq0.risingEdges();
        time.advance(ticks(1193 * 10) + 1000);
        assertEquals(10, irq0.risingEdges() - before);
    }

    @Test
    void onlyOneShotEdgesMayBeDeferredByAnIdleMachine() {
        long slack = 16_000_000;
        time.clock().setIdleSlack(slack);
        // Linux's one-shot clock event: mode 4, a count loaded for each interrupt.
        program(0, 4, 4773);
        long edge = time.clock().nextDeadline() - slack;
        assertEquals(ticks(4773 + 1), edge, "the strobe's rise, plus the slack");
        int before = irq0.risingEdges();
        time.advance(ticks(4773 + 1));
        assertEquals(
                1,
                irq0.risingEdges() - before,
                "it still fires at its edge when the machine is up");
        for (int mode : new int[] {0, 1, 5}) {
            program(0, mode, 4773);
            if (mode == 1 || mode == 5) {
                pit.setGate(0, false);
                pit.setGate(0, true);
            }
            assertTrue(
                    time.clock().nextDeadline() > time.clock().nanos() + slack,
                    "mode " + mode + " is one-shot too");
        }
        // A periodic tick: a late edge could merge with the next and the guest lose a tick.
        for (int mode : new int[] {2, 3}) {
            program(0, mode, 4773);
            assertTrue(
                    time.clock().nextDeadline() <= time.clock().nanos() + ticks(4773),
                    "mode " + mode + " is not deferred");
        }
    }

    @Test
    void squareWaveInterruptsOncePerPeriodAndOutputIsHighForFirstHalf() {
        program(0, 3, 1000);
        time.advance(ticks(100));
        assertTrue(pit.output(0));
        time.advance(ticks(500));
        assertFalse(pit.output(0));
        time.advanceInSteps(ticks(1000 * 5), 50_000);
        assertEquals(6, irq0.risingEdges());
    }

    @Test
    void rateGeneratorWakesTheMachineOncePerInterrupt() {
        program(0, 2, 1193);
        long expiries = time.clock().expiries();
        int before = irq0.risingEdges();
        time.advanceInSteps(ticks(1193 * 10), 1_000);
        assertEquals(10, irq0.risingEdges() - before);
        assertEquals(10, time.clock().expiries() - expiries);
    }

    @Test
    void softwareStrobeAsLinuxProgramsItsOneShotTimerInterruptsOnceAfterTheCount() {
        // Linux's oneshot PIT clock event: mode 4 once, then a count per event (LSB, MSB).
        pit.write(3, 1, 0x38);
        for (int event = 0; event < 3; event++) {
            int before = irq0.risingEdges();
            long expiries = time.clock().expiries();
            pit.write(0, 1, 4772 & 0xFF);
            pit.write(0, 1, 4772 >> 8);
            time.advanceInSteps(ticks(4772), 1_000);
            assertEquals(0, irq0.risingEdges() - before, "no interrupt at the count itself");
            time.advanceInSteps(ticks(2), 100);
            assertEquals(1, irq0.risingEdges() - before, "one interrupt a tick after the count");
            time.advanceInSteps(ticks(20_000), 100_000);
            assertEquals(1, irq0.risingEdges() - before, "and no other");
            assertEquals(1, time.clock().expiries() - expiries, "one wake-up per event");
            assertTrue(pit.output(0));
        }
    }

    @Test
    void counterCountsDownAtTheInputClock() {
        program(0, 2, 10000);
        time.advance(ticks(1000));
        int value = latchAndRead(0);
        assertTrue(value >= 8999 && value <= 9000, "value " + value);
    }

    @Test
    void latchedValueHoldsUntilRead() {
        program(0, 0, 50000);
        time.advance(ticks(100));
        pit.write(3, 1, 0x00);
        time.advance(ticks(5000));
        int low = pit.read(0, 1);
        int value = low | (pit.read(0, 1) << 8);
        assertEquals(49900, value);
    }

    @Test
    void interruptOnTerminalCountFiresOnce() {
        program(0, 0, 500);
        assertFalse(irq0.level());
        int before = irq0.risingEdges();
        time.advanceInSteps(ticks(2000), 100_000);
        assertEquals(1, irq0.risingEdges() - before);
        assertTrue(irq0.level());
    }

    @Test
    void channel2GatedOneShotAsSeaBiosCalibratesTheTsc() {
        pit.setGate(2, true);
        program(2, 0, 2000);
        assertFalse(pit.output(2));
        time.advance(ticks(1999) - 1000);
        assertFalse(pit.output(2));
        time.advance(ticks(3));
        assertTrue(pit.output(2));
    }

    @Test
    void gateRisingEdgeRestartsMode1() {
        program(2, 1, 100);
        assertTrue(pit.output(2), "high until triggered");
        pit.setGate(2, true);
        time.advance(ticks(50));
        assertFalse(pit.output(2));
        time.advance(ticks(60));
        assertTrue(pit.output(2));
    }

    @Test
    void readBackStatusReportsModeAccessAndOutput() {
        pit.write(3, 1, 0x34); // counter 0, word, mode 2, binary
        pit.write(3, 1, 0xE2); // read back status of counter 0
        assertEquals(
                0x40 | 0x30 | 0x04 | 0x80, pit.read(0, 1), "null count before a count is written");
        pit.write(0, 1, 0x00);
        pit.write(0, 1, 0x10);
        pit.write(3, 1, 0xE2);
        assertEquals(0x30 | 0x04 | 0x80, pit.read(0, 1));
    }

    @Test
    void readBackCanLatchCountAndStatusTogether() {
        program(1, 0, 3000);
        time.advance(ticks(1000));
        pit.write(3, 1, 0xC4); // latch count and status of counter 1
        assertEquals(0x30, pit.read(1, 1) & 0x3F);
        int value = pit.read(1, 1) | (pit.read(1, 1) << 8);
        assertEquals(2000, value);
    }

    @Test
    void bcdCountingReadsBackDecimalDigits() {
        pit.write(3, 1, 0xB1); // counter 2, word, mode 0, BCD
        pit.write(2, 1, 0x00);
        pit.write(2, 1, 0x10); // 1000 in BCD
        time.advance(ticks(500));
        pit.write(3, 1, 0x80);
        int value = pit.read(2, 1) | (pit.read(2, 1) << 8);
        assertEquals(0x0500, value);
    }

    @Test
    void lsbOnlyAccess() {
        pit.write(3, 1, 0x54); // counter 1, LSB only, mode 2
        pit.write(1, 1, 18);
        time.advance(ticks(3));
        assertEquals(15, pit.read(1, 1));
    }

    @Test
    void snapshotKeepsCountingAndInterruptingOnTheSameClock() {
        program(0, 2, 1193);
        program(2, 0, 50000);
        pit.write(3, 1, 0x34); // counter 0 reprogrammed, count not yet written
        pit.write(0, 1, 0xA9);
        pit.write(0, 1, 0x04); // 1193 again, now in word state after a full write
        time.advance(ticks(300));
        I8254State state = pit.snapshot();

        RecordingLine copyIrq = new RecordingLine();
        I8254 copy = new I8254(time.clock(), copyIrq);
        copy.restore(state);
        assertEquals(state, copy.snapshot());
        copy.write(3, 1, 0x80);
        int value = copy.read(2, 1) | (copy.read(2, 1) << 8);
        assertEquals(50000 - 300, value);
        int before = copyIrq.risingEdges();
        time.advanceInSteps(ticks(1193 * 3), 100_000);
        assertEquals(3, copyIrq.risingEdges() - before);
    }

    @Test
    void snapshotRecordsRefuseImpossibleCounters() {
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () ->
                        new I8254State.CounterState(
                                2, 3, false, true, 0x10001, true, false, 0, 3, 3, 0, 0, 0, false,
                                0));
    }
}
