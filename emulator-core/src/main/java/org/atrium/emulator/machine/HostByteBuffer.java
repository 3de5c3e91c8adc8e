package org.atrium.emulator.machine;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Bytes the guest wrote for the host (a serial port, the debug console), kept in a bounded ring:
 * when the host does not read, the oldest bytes are dropped, so the guest never blocks on the host.
 * Written by the machine's thread, read by any host thread.
 */
final class HostByteBuffer {
    private final byte[] ring;
    private long written;
    private boolean closed;

    HostByteBuffer(int capacity) {
        ring = new byte[capacity];
    }

    synchronized void write(int b) {
        ring[(int) (written % ring.length)] = (byte) b;
        written++;
        notifyAll();
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
