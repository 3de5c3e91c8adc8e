package org.atrium.emulator.device.keyboard;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.atrium.emulator.input.KeyboardInput;
import org.atrium.emulator.input.KeyboardLedListener;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * An IBM PS/2 (MF II) keyboard speaking scan code set 2, as described in the IBM PS/2 Technical
 * Reference ("Keyboard and Auxiliary Device Controller" and keyboard command set): reset with BAT
 * (0xFF → 0xFA 0xAA), identify (0xF2 → 0xFA 0xAB 0x83), enable/disable/defaults, set LEDs,
 * typematic rate, scan code set query, echo and resend. Host keys arrive as set 1 (XT) codes
 * through {@link KeyboardInput} and are sent as their set 2 make and break sequences. The 8042
 * translates them back to set 1 when its command byte asks it to.
 *
 * <p>Left out: scan code sets 1 and 3 (selecting them is acknowledged, set 2 is still sent) and
 * typematic repeat (the host repeats keys itself).
 */
public final class Ps2Keyboard extends QueuedPs2Device
        implements KeyboardInput, Snapshottable<Ps2KeyboardState> {
    private boolean scanning;
    private int pendingCommand;
    private int scanCodeSet;
    // Written on the machine's thread, read by display clients on theirs.
    private volatile int leds;
    private final List<KeyboardLedListener> ledListeners = new CopyOnWriteArrayList<>();

    /**
     * @param dataReady told when the keyboard queued a byte for its controller
     */
    public Ps2Keyboard(Runnable dataReady) {
        super(dataReady);
        reset();
    }

    @Override
    public void reset() {
        queue.clear();
        scanning = true;
        pendingCommand = 0;
        scanCodeSet = 2;
        setLeds(0);
    }

    private void setLeds(int value) {
        if (value == leds) return;
        leds = value;
        for (KeyboardLedListener l : ledListeners) l.ledsChanged(value);
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "ps2-keyboard";
    }

    @Override
    public Class<Ps2KeyboardState> stateType() {
        return Ps2KeyboardState.class;
    }

    @Override
    public Ps2KeyboardState snapshot() {
        byte[] q = queue.pending();
        return new Ps2KeyboardState(
                q, scanning, pendingCommand, queue.lastSent(), scanCodeSet, leds);
    }

    /** Loads a snapshot (checked by its record). */
    @Override
    public void restore(Ps2KeyboardState s) {
        queue.load(s.queue(), s.lastSent());
        scanning = s.scanning();
        pendingCommand = s.pendingCommand();
        scanCodeSet = s.scanCodeSet();
        setLeds(s.leds());
    }

    /** The LED bits last set by the host: bit 0 scroll, bit 1 num, bit 2 caps lock. */
    @Override
    public int leds() {
        return leds;
    }

    @Override
    public void addLedListener(KeyboardLedListener listener) {
        ledListeners.add(listener);
    }

    @Override
    public void removeLedListener(KeyboardLedListener listener) {
        ledListeners.remove(listener);
    }

    @Override
    public void key(int xtScancode, boolean pressed) {
        if (!scanning) {
            return;
        }
        boolean extended = (xtScancode & 0xFF00) == 0xE000;
        int code = xtScancode & 0x7F;
        if (extended && code == 0x46) {
            // Pause (Ctrl-Break position) has no break code and its own make sequence.
            if (pressed) {
                send(0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
            }
            return;
        }
        int set2 = Set2Translation.fromSet1(code);
        if (set2 < 0 || (xtScancode & ~0xE07F) != 0) {
            return;
        }
        if (extended && pressed) {
            send(0xE0, set2);
        } else if (extended) {
            send(0xE0, 0xF0, set2);
        } else if (pressed) {
            send(set2);
        } else {
            send(0xF0, set2);
        }
    }

    @Override
    public void write(int value) {
        value &= 0xFF;
        if (pendingCommand != 0) {
            int command = pendingCommand;
            pendingCommand = 0;
            if (command == 0xED) {
                setLeds(value & 7);
                send(ACK);
                return;
            }
            if (command == 0xF0) {
                if (value == 0) {
                    send(ACK, scanCodeSet);
                } else {
                    scanCodeSet = value & 3;
                    send(ACK);
                }
                return;
            }
            if (command == 0xF3) {
                send(ACK);
                return;
            }
        }
        switch (value) {
            case 0xFF -> {
                reset();
                send(ACK, 0xAA);
            }
            case 0xFE -> queue.resend();
            case 0xF6 -> {
                scanning = true;
                send(ACK);
            }
            case 0xF5 -> {
                scanning = false;
                send(ACK);
            }
            case 0xF4 -> {
                scanning = true;
                send(ACK);
            }
            case 0xF2 -> send(ACK, 0xAB, 0x83);
            case 0xEE -> send(0xEE);
            case 0xED, 0xF0, 0xF3 -> {
                pendingCommand = value;
                send(ACK);
            }
            case 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD -> send(ACK);
            default -> send(0xFE);
        }
    }
}
