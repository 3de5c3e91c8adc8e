package org.atrium.emulator.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
    private long host = 500;
    private final VirtualClock clock = new VirtualClock(() -> host);

    @Test
    void startsAtZeroAndFollowsTheHost() {
        assertEquals(0, clock.nanos());
        host += 1234;
        assertEquals(1234, clock.nanos());
    }

    @Test
    void standsStillWhilePaused() {
        host += 100;
        clock.pause();
        host += 1_000_000;
        assertEquals(100, clock.nanos());
        clock.resume();
        host += 5;
        assertEquals(105, clock.nanos());
    }

    @Test
    void neverGoesBackwards() {
        host += 100;
        assertEquals(100, clock.nanos());
        host -= 50;
        assertEquals(100, clock.nanos());
    }

    @Test
    void firesDueTimersInDeadlineOrder() {
        List<String> fired = new ArrayList<>();
        Timer late = clock.timer(() -> fired.add("late"));
        Timer early = clock.timer(() -> fired.add("early"));
        late.arm(300);
        early.arm(200);
        assertEquals(200, clock.nextDeadline());
        host += 250;
        clock.runDue();
        assertEquals(List.of("early"), fired);
        host += 100;
        clock.runDue();
        assertEquals(List.of("early", "late"), fired);
        assertFalse(late.armed());
        assertEquals(VirtualClock.NEVER, clock.nextDeadline());
    }

    @Test
    void aTimerWithSlackRidesOnOtherWakeUpsAndWakesAloneOnlyAtTheEndOfItsSlack() {
        List<String> fired = new ArrayList<>();
        Timer display = clock.timer(() -> fired.add("display"), 1000);
        Timer tick = clock.timer(() -> fired.add("tick"));
        display.arm(100);
        tick.arm(400);
        assertEquals(400, clock.nextDeadline(), "the tick comes before the display's slack ends");
        host += 400;
        clock.runDue();
        assertEquals(List.of("display", "tick"), fired);

        display.arm(500);
        assertEquals(1500, clock.nextDeadline(), "alone, it wakes the machine late");
        host += 150;
        clock.runDue();
        assertEquals(List.of("display", "tick", "display"), fired, "but runs once due");
        display.arm(VirtualClock.NEVER - 10);
        assertEquals(VirtualClock.NEVER, clock.nextDeadline());
    }

    @Test
    void aDeferrableTimerWaitsOutTheIdleSlackButFiresOnceDue() {
        List<String> fired = new ArrayList<>();
        Timer oneShot = clock.timer(() -> fired.add("one-shot"));
        Timer strict = clock.timer(() -> fired.add("strict"));
        oneShot.armDeferrable(100);
        assertEquals(100, clock.nextDeadline(), "no idle slack: on time");
        clock.setIdleSlack(5000);
        assertEquals(5100, clock.nextDeadline(), "idle: the machine may sleep past it");
        strict.arm(300);
        assertEquals(300, clock.nextDeadline(), "a strict timer is never deferred");
        host += 300;
        clock.runDue();
        assertEquals(List.of("one-shot", "strict"), fired, "both run at the wake-up");

        oneShot.armDeferrable(1000);
        oneShot.arm(1000);
        assertEquals(1000, clock.nextDeadline(), "arm() makes it strict again");
        oneShot.armDeferrable(1000);
        Timer display = clock.timer(() -> fired.add("display"), 8000);
        display.arm(1000);
        assertEquals(6000, clock.nextDeadline(), "the idle slack, not the display's longer one");
        clock.setIdleSlack(0);
        assertEquals(1000, clock.nextDeadline(), "in use again: on time");
        assertThrows(IllegalArgumentException.class, () -> clock.setIdleSlack(-1));
    }

    @Test
    void periodicTimerRearmedFromItsCallbackCatchesUp() {
        int[] count = {0};
        Timer[] t = new Timer[1];
        t[0] =
                clock.timer(
                        () -> {
                            count[0]++;
                            if (count[0] < 10) {
                                t[0].arm(count[0] * 100L + 100);
                            }
                        });
        t[0].arm(100);
        host += 350;
        clock.runDue();
        assertEquals(3, count[0]);
    }

    @Test
    void restoreSetsTheVirtualTimeWhetherRunningOrPaused() {
        host += 1000;
        clock.restore(50_000);
        assertEquals(50_000, clock.nanos());
        host += 10;
        assertEquals(50_010, clock.nanos());
        clock.pause();
        clock.restore(7);
        host += 1000;
        assertEquals(7, clock.nanos());
        clock.resume();
        host += 3;
        assertEquals(10, clock.nanos());
    }
}
