package org.atrium.emulator.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds small files laid out like a bzImage, with the header fields a test chooses. */
final class SyntheticBzImage {
    int setupSectors = 4;
    int protocol = 0x020F;
    int loadFlags = BzImage.LOADED_HIGH;
    int kernelBytes = 4096;
    int code32Start = 0x100000;
    int initrdAddrMax = 0x7FFFFFFF;
    int cmdlineSize = 2047;
    int initSize = 0x10000;

    SyntheticBzImage protocol(int v) {
        protocol = v;
        return this;
    }

    SyntheticBzImage loadFlags(int v) {
        loadFlags = v;
        return this;
    }

    SyntheticBzImage initrdAddrMax(int v) {
        initrdAddrMax = v;
        return this;
    }

    SyntheticBzImage cmdlineSize(int v) {
        cmdlineSize = v;
        return this;
    }

    /** The file; its protected-mode part holds the byte pattern {@link #kernelByte(int)}. */
    byte[] build() {
        int setupBytes = (setupSectors + 1) * 512;
        ByteBuffer b = ByteBuffer.allocate(setupBytes + kernelBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) setupSectors);
        b.putInt(0x1F4, kernelBytes / 16);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB);
        b.put(0x201, (byte) 0x6A); // jump over the header: it ends at 0x26C
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) protocol);
        b.put(0x211, (byte) loadFlags);
        b.putInt(0x214, code32Start);
        b.putInt(0x22C, initrdAddrMax);
        b.putInt(0x238, cmdlineSize);
        b.putInt(0x260, initSize);
        for (int i = 0; i < kernelBytes; i++) {
            b.put(setupBytes + i, kernelByte(i));
        }
        return b.array();
    }

    static byte kernelByte(int i) {
        return (byte) (i * 7 + 3);
    }
}
