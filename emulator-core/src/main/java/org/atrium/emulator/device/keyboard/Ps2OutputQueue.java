package org.atrium.emulator.device.keyboard;

import java.util.ArrayDeque;

/**
 * The bytes a PS/2 device has ready for its controller, and the last one it sent (the Resend
 * command, 0xFE, repeats it). Bounded as a real device's buffer is: bytes past the limit are lost,
 * so a flood of input can never grow memory.
 */
final class Ps2OutputQueue {
    private static final int LIMIT = 256;

    private final ArrayDeque<Integer> bytes = new ArrayDeque<>();
    private final Runnable dataReady;
    private int lastSent;

    /**
     * @param dataReady told after bytes were queued, so the controller can pull them
     */
    Ps2OutputQueue(Runnable dataReady) {
        this.dataReady = dataReady;
    }

    void send(int... values) {
        for (int b : values) {
            if (bytes.size() < LIMIT) {
                bytes.add(b & 0xFF);
            }
        }
        dataReady.run();
    }

    void resend() {
        send(lastSent);
    }

    boolean hasData() {
        return !bytes.isEmpty();
    }

    int take() {
        lastSent = bytes.remove();
        return lastSent;
    }

    void clear() {
        bytes.clear();
    }

    int lastSent() {
        return lastSent;
    }

    byte[] pending() {
        byte[] copy = new byte[bytes.size()];
        int i = 0;
        for (int b : bytes) {
            copy[i++] = (byte) b;
        }
        return copy;
    }

    void load(byte[] pending, int lastSent) {
        bytes.clear();
        for (byte b : pending) {
            bytes.add(b & 0xFF);
        }
        this.lastSent = lastSent;
    }
}
