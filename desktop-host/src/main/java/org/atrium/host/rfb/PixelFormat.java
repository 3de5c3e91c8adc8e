package org.atrium.host.rfb;

import io.netty.buffer.ByteBuf;
import java.util.Optional;

/**
 * An RFB PIXEL_FORMAT (RFC 6143 section 7.4): how a client wants pixel values laid out. The server
 * supports true-colour formats of 8, 16 and 32 bits per pixel with any valid maxima and shifts;
 * colour-map formats are refused.
 */
public record PixelFormat(
        int bitsPerPixel,
        int depth,
        boolean bigEndian,
        boolean trueColour,
        int redMax,
        int greenMax,
        int blueMax,
        int redShift,
        int greenShift,
        int blueShift) {

    /**
     * The format the server announces in ServerInit: 32 bpp, depth 24, 0x00RRGGBB little-endian.
     */
    public static final PixelFormat SERVER_DEFAULT =
            new PixelFormat(32, 24, false, true, 255, 255, 255, 16, 8, 0);

    /** The 16 bytes of PIXEL_FORMAT. */
    public static PixelFormat read(ByteBuf in) {
        PixelFormat format =
                new PixelFormat(
                        in.readUnsignedByte(),
                        in.readUnsignedByte(),
                        in.readUnsignedByte() != 0,
                        in.readUnsignedByte() != 0,
                        in.readUnsignedShort(),
                        in.readUnsignedShort(),
                        in.readUnsignedShort(),
                        in.readUnsignedByte(),
                        in.readUnsignedByte(),
                        in.readUnsignedByte());
        in.skipBytes(3);
        return format;
    }

    public void write(ByteBuf out) {
        out.writeByte(bitsPerPixel)
                .writeByte(depth)
                .writeByte(bigEndian ? 1 : 0)
                .writeByte(trueColour ? 1 : 0)
                .writeShort(redMax)
                .writeShort(greenMax)
                .writeShort(blueMax)
                .writeByte(redShift)
                .writeByte(greenShift)
                .writeByte(blueShift)
                .writeZero(3);
    }

    /** Why this format cannot be served, or empty when it can. */
    public Optional<String> problem() {
        if (bitsPerPixel != 8 && bitsPerPixel != 16 && bitsPerPixel != 32) {
            return Optional.of("bits-per-pixel " + bitsPerPixel + " is not 8, 16 or 32");
        }
        if (!trueColour) {
            return Optional.of("colour-map pixel formats are not supported");
        }
        if (depth == 0 || depth > bitsPerPixel) {
            return Optional.of("depth " + depth + " does not fit " + bitsPerPixel + " bpp");
        }
        Optional<String> channel = channelProblem("red", redMax, redShift);
        if (channel.isEmpty()) channel = channelProblem("green", greenMax, greenShift);
        if (channel.isEmpty()) channel = channelProblem("blue", blueMax, blueShift);
        return channel;
    }

    private Optional<String> channelProblem(String name, int max, int shift) {
        if (max == 0 || (max & (max + 1)) != 0) {
            return Optional.of(name + "-max " + max + " is not 2^n-1 with n >= 1");
        }
        if (shift >= bitsPerPixel) {
            return Optional.of(name + "-shift " + shift + " is not below " + bitsPerPixel);
        }
        // The channel's top bit must land inside the pixel, or values would be truncated.
        if (Integer.SIZE - Integer.numberOfLeadingZeros(max) + shift > bitsPerPixel) {
            return Optional.of(name + " channel does not fit in " + bitsPerPixel + " bits");
        }
        return Optional.empty();
    }

    public int bytesPerPixel() {
        return bitsPerPixel / 8;
    }

    /** The pixel value of a 0x00RRGGBB colour in this format. */
    public int pack(int rgb) {
        return scale((rgb >>> 16) & 0xff, redMax) << redShift
                | scale((rgb >>> 8) & 0xff, greenMax) << greenShift
                | scale(rgb & 0xff, blueMax) << blueShift;
    }

    private static int scale(int component, int max) {
        return max == 255 ? component : (component * max + 127) / 255;
    }

    /** Writes an already packed pixel value in this format's size and byte order. */
    public void writePixel(ByteBuf out, int value) {
        switch (bitsPerPixel) {
            case 8 -> out.writeByte(value);
            case 16 -> {
                if (bigEndian) out.writeShort(value);
                else out.writeShortLE(value);
            }
            default -> {
                if (bigEndian) out.writeInt(value);
                else out.writeIntLE(value);
            }
        }
    }

    /**
     * Size of a ZRLE CPIXEL (RFC 6143 section 7.7.6): 3 when a 32-bit pixel's colour fits 3 bytes.
     */
    public int compressedPixelSize() {
        return cpixelMode() == 0 ? bytesPerPixel() : 3;
    }

    /** Writes a ZRLE CPIXEL: the pixel, or its three meaningful bytes in this byte order. */
    public void writeCompressedPixel(ByteBuf out, int value) {
        switch (cpixelMode()) {
            case 1 -> writeThree(out, value); // colour in the low 3 bytes
            case 2 -> writeThree(out, value >>> 8); // colour in the high 3 bytes
            default -> writePixel(out, value);
        }
    }

    private void writeThree(ByteBuf out, int v) {
        if (bigEndian) {
            out.writeMedium(v);
        } else {
            out.writeMediumLE(v);
        }
    }

    /** 0: full pixels; 1: colour fits the least significant 3 bytes; 2: the most significant 3. */
    private int cpixelMode() {
        if (bitsPerPixel != 32 || depth > 24) return 0;
        int mask = redMax << redShift | greenMax << greenShift | blueMax << blueShift;
        if ((mask & 0xff000000) == 0) return 1;
        if ((mask & 0x000000ff) == 0) return 2;
        return 0;
    }
}
