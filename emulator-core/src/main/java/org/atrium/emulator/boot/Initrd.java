package org.atrium.emulator.boot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Checks an initial RAM disk before a boot, so a truncated or damaged file is refused with a clear
 * message instead of a kernel panic minutes later. An initramfs is a sequence of cpio archives in
 * the "newc" format, each possibly compressed, separated by zero padding (the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst). Uncompressed archives are walked
 * entry by entry; gzip members are inflated and their CRC and length checked; xz streams must end
 * with their footer magic.
 *
 * <p>Left out: other compressions (zstd, lz4, bzip2, lzma) and old-style RAM disk images (a file
 * system image) are accepted unchecked.
 */
public final class Initrd {
    private static final String TRAILER = "TRAILER!!!";
    private static final int NEWC_HEADER = 110;

    private Initrd() {}

    /**
     * @throws InvalidKernelException naming what is wrong and where
     */
    public static void check(byte[] initrd) {
        if (initrd.length == 0) {
            throw new InvalidKernelException("the initrd is empty");
        }
        int at = 0;
        while (true) {
            while (at < initrd.length && initrd[at] == 0) {
                at++;
            }
            if (at >= initrd.length) {
                return;
            }
            if (startsWith(initrd, at, "070701") || startsWith(initrd, at, "070702")) {
                at = cpioEnd(initrd, at);
            } else if ((initrd[at] & 0xFF) == 0x1F
                    && at + 1 < initrd.length
                    && (initrd[at + 1] & 0xFF) == 0x8B) {
                inflate(initrd, at);
                return;
            } else if (startsWith(initrd, at, "\u00fd7zXZ\u0000")) {
                int end = initrd.length;
                while (end > at && initrd[end - 1] == 0) {
                    end--;
                }
                if (end - at < 12 || initrd[end - 2] != 'Y' || initrd[end - 1] != 'Z') {
                    throw new InvalidKernelException(
                            "truncated initrd: the xz stream at byte " + at + " has no end");
                }
                return;
            } else {
                return;
            }
        }
    }

    /** Walks a newc archive from {@code at}; returns the offset just past its trailer entry. */
    private static int cpioEnd(byte[] data, int at) {
        while (true) {
            if (data.length - at < NEWC_HEADER) {
                throw truncated("a cpio header", at);
            }
            if (!startsWith(data, at, "0707")) {
                throw new InvalidKernelException(
                        "damaged initrd: no cpio header magic at byte " + at);
            }
            long fileSize = hex(data, at + 54);
            long nameSize = hex(data, at + 94);
            long nameEnd = at + NEWC_HEADER + nameSize;
            if (nameSize < 1 || nameEnd > data.length) {
                throw truncated("a cpio file name", at);
            }
            String name =
                    new String(
                            data,
                            at + NEWC_HEADER,
                            (int) nameSize - 1,
                            StandardCharsets.ISO_8859_1);
            long dataStart = align4(nameEnd);
            long next = align4(dataStart + fileSize);
            if (dataStart + fileSize > data.length) {
                throw truncated("the cpio entry \"" + name + "\"", at);
            }
            if (name.equals(TRAILER)) {
                return (int) Math.min(next, data.length);
            }
            at = (int) next;
        }
    }

    private static void inflate(byte[] data, int at) {
        try (InputStream in =
                new GZIPInputStream(new ByteArrayInputStream(data, at, data.length - at))) {
            byte[] sink = new byte[1 << 16];
            while (in.read(sink) >= 0) {
                // Reading to the end checks every member's CRC-32 and length.
            }
        } catch (IOException e) {
            throw new InvalidKernelException(
                    "truncated or damaged initrd: the gzip data at byte "
                            + at
                            + " does not inflate ("
                            + e.getMessage()
                            + ")");
        }
    }

    private static InvalidKernelException truncated(String what, int at) {
        return new InvalidKernelException(
                "truncated initrd: the file ends inside " + what + " at byte " + at);
    }

    private static long hex(byte[] data, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            int digit = Character.digit(data[at + i], 16);
            if (digit < 0) {
                throw new InvalidKernelException(
                        "damaged initrd: a cpio header field at byte " + at + " is not hex");
            }
            value = value << 4 | digit;
        }
        return value;
    }

    private static long align4(long offset) {
        return (offset + 3) & ~3L;
    }

    private static boolean startsWith(byte[] data, int at, String magic) {
        if (data.length - at < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((data[at + i] & 0xFF) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
