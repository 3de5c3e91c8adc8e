package org.atrium.emulator.device.pci;

import org.atrium.emulator.bus.BusDevice;

/**
 * The contents of an expansion ROM behind a PCI ROM BAR: the image bytes, then all ones up to the
 * window's size. Writes are ignored.
 */
public final class RomImage implements BusDevice {
    private final byte[] image;

    public RomImage(byte[] image) {
        this.image = image.clone();
    }

    /** The smallest power-of-two window, at least 2 KiB, that holds the image. */
    public long windowSize() {
        long size = 2048;
        while (size < image.length) {
            size <<= 1;
        }
        return size;
    }

    @Override
    public int read(int offset, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) {
            int o = offset + i;
            int b = o >= 0 && o < image.length ? image[o] & 0xFF : 0xFF;
            value |= b << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int offset, int size, int value) {}
}
