package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GuestActivityTest {
    private static final long MS = 1_000_000L;
    // Per 100 ms window: an idle Linux guest's tick (250 Hz x 3,200 instructions) and a busy one.
    private static final long IDLE_WINDOW = 80_000;
    private static final long BUSY_WINDOW = 10_000_000;

    private final GuestActivity cache = new GuestActivity();
    private long now;
    private long instructions;

    /**
     * Runs {@code windows} windows of 100 ms with {@code each} instructions; returns the answer.
     */
    private boolean run(int windows, long each) {
        boolean on = false;
        for (int i = 0; i < windows; i++) {
            // Several readings a window, as the machine's loop gives.
            for (int k = 0; k < 4; k++) {
                now += 25 * MS;
                instructions += each / 4;
                on = cache.update(now, instructions);
            }
        }
        return on;
    }

    @Test
    void anIdleGuestNeverGetsTheCache() {
        cache.update(now, instructions);
        assertFalse(run(100, IDLE_WINDOW));
        assertEquals(0, cache.switches());
    }

    @Test
    void aBusyWindowTurnsItOnAndTwoIdleSecondsTurnItOff() {
        cache.update(now, instructions);
        assertFalse(run(1, IDLE_WINDOW));
        assertTrue(run(1, BUSY_WINDOW), "on after one busy window");
        assertEquals(1, cache.switches());
        assertTrue(run(19, IDLE_WINDOW), "still on after 1.9 s of idleness");
        assertFalse(run(1, IDLE_WINDOW), "off after 2 s");
        assertEquals(2, cache.switches());
    }

    @Test
    void aBusyMomentStartsTheIdleCountAgain() {
        cache.update(now, instructions);
        run(1, BUSY_WINDOW);
        run(15, IDLE_WINDOW);
        assertTrue(run(1, BUSY_WINDOW));
        assertTrue(run(19, IDLE_WINDOW), "the 1.5 s before the busy window no longer count");
        assertFalse(run(1, IDLE_WINDOW));
    }

    @Test
    void aLongSleepCountsAsTheIdleTimeItWas() {
        cache.update(now, instructions);
        assertTrue(run(1, BUSY_WINDOW));
        // One reading after 3 s asleep: a few timer ticks' worth of instructions.
        now += 3_000 * MS;
        instructions += 3 * 250 * 3_200;
        assertFalse(cache.update(now, instructions));
    }

    @Test
    void theRateIsTakenOverTheWholeStretchBetweenReadings() {
        cache.update(now, instructions);
        // 5 s in one reading with as many instructions as one busy window: 2 M a second, idle.
        now += 5_000 * MS;
        instructions += BUSY_WINDOW;
        assertFalse(cache.update(now, instructions));
        assertEquals(0, cache.switches());
    }

    @Test
    void readingsWithinAWindowDecideNothing() {
        cache.update(now, instructions);
        now += 99 * MS;
        instructions += 100 * BUSY_WINDOW;
        assertFalse(cache.update(now, instructions), "the window is not over");
        now += MS;
        assertTrue(cache.update(now, instructions));
    }

    @Test
    void anIdleGuestIsIdleTwoSecondsAfterItsStart() {
        cache.update(now, instructions);
        assertFalse(cache.idle(now), "just started");
        run(19, IDLE_WINDOW);
        assertFalse(cache.idle(now), "1.9 s after the start");
        run(1, IDLE_WINDOW);
        assertTrue(cache.idle(now));
    }

    @Test
    void nothingIsIdleBeforeTheFirstReading() {
        assertFalse(cache.idle(5_000 * MS));
    }

    @Test
    void hostInputKeepsAnIdleGuestInUseForTwoSeconds() {
        cache.update(now, instructions);
        run(30, IDLE_WINDOW);
        assertTrue(cache.idle(now));
        cache.hostInput(now);
        assertFalse(cache.idle(now), "a key was just pressed");
        run(19, IDLE_WINDOW);
        assertFalse(cache.idle(now));
        run(1, IDLE_WINDOW);
        assertTrue(cache.idle(now), "two quiet seconds after the key");
    }

    @Test
    void aBusyGuestIsNotIdleUntilItHasBeenQuietForTwoSeconds() {
        cache.update(now, instructions);
        run(30, IDLE_WINDOW);
        assertTrue(run(1, BUSY_WINDOW));
        assertFalse(cache.idle(now));
        run(19, IDLE_WINDOW);
        assertFalse(cache.idle(now), "still busy after 1.9 quiet seconds");
        run(1, IDLE_WINDOW);
        assertTrue(cache.idle(now));
    }
}
