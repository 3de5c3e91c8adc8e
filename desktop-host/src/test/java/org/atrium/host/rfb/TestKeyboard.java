package org.atrium.host.rfb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.KeyboardLedListener;

/** A keyboard that records keys and whose LEDs a test sets as a guest would. */
final class TestKeyboard implements KeyboardInput {
    final List<int[]> keys = new ArrayList<>();
    final List<KeyboardLedListener> listeners = new CopyOnWriteArrayList<>();
    private volatile int leds;

    @Override
    public void key(int code, boolean pressed) {
        keys.add(new int[] {code, pressed ? 1 : 0});
    }

    void setLeds(int value) {
        leds = value;
        for (KeyboardLedListener l : listeners) l.ledsChanged(value);
    }

    @Override
    public int leds() {
        return leds;
    }

    @Override
    public void addLedListener(KeyboardLedListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeLedListener(KeyboardLedListener listener) {
        listeners.remove(listener);
    }
}
