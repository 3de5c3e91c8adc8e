package org.atrium.emulator.bus;

/** Plain little-endian RAM from address 0, for tests of code that writes guest memory. */
public class ByteArrayMemory implements PhysicalMemory {
    public final byte[] bytes;

    public ByteArrayMemory(int size) {
        bytes = new byte[size];
    }

    @Override
    public int read8(int a) {
        return bytes[a] & 0xFF;
    }

    @Override
    public int read16(int a) {
        return read8(a) | read8(a + 1) << 8;
    }

    @Override
    public int read32(int a) {
        return read16(a) | read16(a + 2) << 16;
    }

    public long read64(int a) {
        return (read32(a) & 0xFFFFFFFFL) | (long) read32(a + 4) << 32;
    }

    @Override
    public void write8(int a, int v) {
        bytes[a] = (byte) v;
    }

    @Override
    public void write16(int a, int v) {
        write8(a, v);
        write8(a + 1, v >> 8);
    }

    @Override
    public void write32(int a, int v) {
        write16(a, v);
        write16(a + 2, v >> 16);
    }
}
