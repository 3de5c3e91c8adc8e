package org.atrium.emulator.machine;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bytes the guest wrote for the host (a serial port, the debug console), kept in a bounded ring:
 * when the host does not read, the oldest bytes are dropped, so the guest never blocks on the host.
 * Written by the machine's thread, read by any host thread.
 *
 * <p>The ring starts small and doubles as it fills, up to its capacity: most guests write a few KiB
 * (a kernel's boot log) or nothing (the debug console), and each VM on a host has two rings.
 */
final class HostByteBuffer {
    static final int FIRST_SIZE = 4096;

    private final int capacity;
    private byte[] ring;
    private long written;
    private boolean closed;

    HostByteBuffer(int capacity) {
        this.capacity = capacity;
        ring = new byte[Math.min(capacity, FIRST_SIZE)];
    }

    synchronized void write(int b) {
        if (written == ring.length && ring.length < capacity) {
            // Full for the first time at this size, so byte i is at index i in either array.
            ring = Arrays.copyOf(ring, (int) Math.min(capacity, 2L * ring.length));
        }
        ring[(int) (written % ring.length)] = (byte) b;
        written++;
        notifyAll();
    }

    /** The bytes the ring holds now (for tests). */
    synchronized int size() {
        return ring.length;
    }

    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Everything still held, decoded as ISO-8859-1 (one char per byte). */
    synchronized String text() {
        int n = (int) Math.min(written, ring.length);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = ring[(int) ((written - n + i) % ring.length)];
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /**
     * A stream that reads from now on, blocking until bytes arrive; ends when the machine stops.
     */
    InputStream stream() {
        return new InputStream() {
            private long position;

            {
                synchronized (HostByteBuffer.this) {
                    position = written;
                }
            }

            @Override
            public int read() throws java.io.IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (len == 0) {
                    return 0;
                }
                synchronized (HostByteBuffer.this) {
                    while (position == written && !closed) {
                        try {
                            HostByteBuffer.this.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException();
                        }
                    }
                    if (position == written) {
                        return -1;
                    }
                    // Bytes overwritten before this reader got to them are skipped.
                    position = Math.max(position, written - ring.length);
                    int n = (int) Math.min(len, written - position);
                    for (int i = 0; i < n; i++) {
                        b[off + i] = ring[(int) ((position + i) % ring.length)];
                    }
                    position += n;
                    return n;
                }
            }

            @Override
            public int available() {
                synchronized (HostByteBuffer.this) {
                    return (int) Math.min(Integer.MAX_VALUE, written - position);
                }
            }
        };
    }
}
