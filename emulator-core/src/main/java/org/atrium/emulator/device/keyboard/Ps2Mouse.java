package org.atrium.emulator.device.keyboard;

import org.atrium.emulator.input.PointerInput;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * An IBM PS/2 mouse (IBM PS/2 Technical Reference, "Pointing Device": reset, identify, stream and
 * remote modes, data reporting on/off, sample rate, resolution, scaling, status request, wrap mode)
 * with the Microsoft IntelliMouse wheel extension (sample rates 200, 100, 80 switch the ID to 3 and
 * packets to four bytes). The host gives absolute positions ({@link PointerInput}); the mouse sends
 * the movement since the last position, split into packets of at most ±255 counts.
 *
 * <p>Left out: resolution and 2:1 scaling do not change the counts (one count per display pixel),
 * and the sample rate does not pace packets (one per host event). A guest with pointer acceleration
 * will therefore drift from the host's pointer; an absolute device (USB or virtio tablet) is the
 * later answer to that.
 */
public final class Ps2Mouse extends QueuedPs2Device
        implements PointerInput, Snapshottable<Ps2MouseState> {
    private boolean reporting;
    private boolean remote;
    private boolean wrap;
    private int sampleRate;
    private int resolution;
    private boolean scaling21;
    private int id;
    private int pendingCommand;
    private final int[] lastRates = new int[3];
    private boolean positioned;
    private int lastX;
    private int lastY;
    private int buttons;
    private int reportedButtons;
    private int dx;
    private int dy;
    private int dz;

    /**
     * @param dataReady told when the mouse queued a byte for its controller
     */
    public Ps2Mouse(Runnable dataReady) {
        super(dataReady);
        reset();
    }

    @Override
    public void reset() {
        queue.clear();
        setDefaults();
        remote = false;
        wrap = false;
        id = 0;
        pendingCommand = 0;
    }

    private void setDefaults() {
        reporting = false;
        sampleRate = 100;
        resolution = 2;
        scaling21 = false;
        dx = 0;
        dy = 0;
        dz = 0;
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "ps2-mouse";
    }

    @Override
    public Class<Ps2MouseState> stateType() {
        return Ps2MouseState.class;
    }

    @Override
    public Ps2MouseState snapshot() {
        byte[] q = queue.pending();
        return new Ps2MouseState(
                q,
                reporting,
                remote,
                wrap,
                sampleRate,
                resolution,
                scaling21,
                id,
                pendingCommand,
                queue.lastSent(),
                lastRates,
                positioned,
                lastX,
                lastY,
                buttons,
                reportedButtons,
                dx,
                dy,
                dz);
    }

    /** Loads a snapshot (checked by its record). */
    @Override
    public void restore(Ps2MouseState s) {
        queue.load(s.queue(), s.lastSent());
        reporting = s.reporting();
        remote = s.remote();
        wrap = s.wrap();
        sampleRate = s.sampleRate();
        resolution = s.resolution();
        scaling21 = s.scaling21();
        id = s.id();
        pendingCommand = s.pendingCommand();
        System.arraycopy(s.recentRates(), 0, lastRates, 0, 3);
        positioned = s.positioned();
        lastX = s.x();
        lastY = s.y();
        buttons = s.buttons();
        reportedButtons = s.reportedButtons();
        dx = s.dx();
        dy = s.dy();
        dz = s.dz();
    }

    /** The device ID: 0 for a plain mouse, 3 once the wheel is enabled. */
    public int deviceId() {
        return id;
    }

    @Override
    public void pointer(int x, int y, int buttonMask) {
        if (positioned) {
            dx += x - lastX;
            // PS/2 counts Y upwards; the display counts rows downwards.
            dy += lastY - y;
        }
        positioned = true;
        lastX = x;
        lastY = y;
        // RFB: bit 0 left, 1 middle, 2 right; PS/2: bit 0 left, 1 right, 2 middle.
        buttons = (buttonMask & 1) | ((buttonMask & 4) >> 1) | ((buttonMask & 2) << 1);
        if ((buttonMask & 0x08) != 0) {
            dz -= 1;
        }
        if ((buttonMask & 0x10) != 0) {
            dz += 1;
        }
        boolean changed = dx != 0 || dy != 0 || dz != 0 || buttons != reportedButtons;
        if (reporting && !remote && !wrap && changed) {
            do {
                sendPacket();
            } while (dx != 0 || dy != 0 || dz != 0);
        }
    }

    /** Sends one packet of the pending movement (clamped) and keeps the rest for the next. */
    private void sendPacket() {
        int px = Math.clamp(dx, -255, 255);
        int py = Math.clamp(dy, -255, 255);
        int pz = Math.clamp(dz, -8, 7);
        dx -= px;
        dy -= py;
        dz -= pz;
        reportedButtons = buttons;
        int head = 0x08 | buttons | (px < 0 ? 0x10 : 0) | (py < 0 ? 0x20 : 0);
        if (id == 3) {
            send(head, px, py, pz);
        } else {
            dz = 0;
            send(head, px, py);
        }
    }

    @Override
    public void write(int value) {
        value &= 0xFF;
        if (pendingCommand != 0) {
            int command = pendingCommand;
            pendingCommand = 0;
            if (command == 0xF3) {
                sampleRate = value;
                lastRates[0] = lastRates[1];
                lastRates[1] = lastRates[2];
                lastRates[2] = value;
                if (lastRates[0] == 200 && lastRates[1] == 100 && lastRates[2] == 80) {
                    id = 3;
                }
            } else {
                resolution = value & 3;
            }
            send(ACK);
            return;
        }
        if (wrap && value != 0xEC && value != 0xFF) {
            send(value);
            return;
        }
        switch (value) {
            case 0xFF -> {
                reset();
                send(ACK, 0xAA, 0x00);
            }
            case 0xFE -> queue.resend();
            case 0xF6 -> {
                setDefaults();
                send(ACK);
            }
            case 0xF5 -> {
                reporting = false;
                send(ACK);
            }
            case 0xF4 -> {
                reporting = true;
                send(ACK);
            }
            case 0xF3, 0xE8 -> {
                pendingCommand = value;
                send(ACK);
            }
            case 0xF2 -> send(ACK, id);
            case 0xF0 -> {
                remote = true;
                send(ACK);
            }
            case 0xEE -> {
                wrap = true;
                send(ACK);
            }
            case 0xEC -> {
                wrap = false;
                send(ACK);
            }
            case 0xEB -> {
                send(ACK);
                sendPacket();
            }
            case 0xEA -> {
                remote = false;
                send(ACK);
            }
            case 0xE9 -> {
                int status =
                        (remote ? 0x40 : 0)
                                | (reporting ? 0x20 : 0)
                                | (scaling21 ? 0x10 : 0)
                                | ((buttons & 1) << 2)
                                | ((buttons & 4) >> 1)
                                | ((buttons & 2) >> 1);
                send(ACK, status, resolution, sampleRate);
            }
            case 0xE7 -> {
                scaling21 = true;
                send(ACK);
            }
            case 0xE6 -> {
                scaling21 = false;
                send(ACK);
            }
            default -> send(0xFE);
        }
    }
}
