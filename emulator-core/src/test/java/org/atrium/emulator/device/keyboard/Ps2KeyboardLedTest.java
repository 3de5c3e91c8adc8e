package org.atrium.emulator.device.keyboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lock LEDs set with the 0xED command reach listeners once per change. */
class Ps2KeyboardLedTest {
    private final Ps2Keyboard keyboard = new Ps2Keyboard(() -> {});
    private final List<Integer> seen = new ArrayList<>();

    private void drain() {
        while (keyboard.hasData()) keyboard.take();
    }

    @Test
    void setLedsIsPublishedOncePerChange() {
        keyboard.addLedListener(seen::add);
        keyboard.write(0xED);
        keyboard.write(0x04); // caps lock
        assertEquals(0xFA, keyboard.take());
        assertEquals(0xFA, keyboard.take());
        keyboard.write(0xED);
        keyboard.write(0x04); // unchanged: no event
        keyboard.write(0xED);
        keyboard.write(0xFF); // only the three LED bits count
        drain();
        assertEquals(List.of(4, 7), seen);
        assertEquals(7, keyboard.leds());
        keyboard.write(0xFF); // reset turns the LEDs off
        drain();
        assertEquals(List.of(4, 7, 0), seen);
    }

    @Test
    void restoringASnapshotPublishesItsLeds() {
        keyboard.write(0xED);
        keyboard.write(0x02);
        Ps2KeyboardState state = keyboard.snapshot();
        Ps2Keyboard other = new Ps2Keyboard(() -> {});
        other.addLedListener(seen::add);
        other.restore(state);
        assertEquals(List.of(2), seen);
        assertEquals(2, other.leds());
    }
}
