package org.atrium.emulator.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A Linux/x86 bzImage, as described by the kernel's boot protocol (Documentation/x86/boot.rst, "The
 * Real-Mode Kernel Header"): the real-mode setup sectors, whose header this class parses and
 * validates, followed by the protected-mode kernel. Only protocol 2.06 and later with {@code
 * LOADED_HIGH} is accepted: those are the kernels a 32-bit direct boot can start. The real-mode
 * setup code itself is never run.
 *
 * @param image the whole file
 * @param setupSectors the number of 512-byte setup sectors after the boot sector
 * @param protocolVersion the boot protocol, e.g. 0x020F for 2.15
 * @param loadFlags the {@code loadflags} byte
 * @param code32Start where the protected-mode kernel wants to be loaded and entered
 * @param initrdAddrMax the highest address the initrd may occupy
 * @param cmdlineSize the longest command line the kernel accepts, without the terminating NUL
 * @param initSize the memory the kernel needs from its load address until it runs
 */
public record BzImage(
        byte[] image,
        int setupSectors,
        int protocolVersion,
        int loadFlags,
        long code32Start,
        long initrdAddrMax,
        int cmdlineSize,
        long initSize) {
    /** {@code loadflags} bit: the protected-mode code is loaded at 0x100000. */
    public static final int LOADED_HIGH = 0x01;

    static final int SETUP_HEADER = 0x1F1;
    private static final int HEADER_MAGIC = 0x53726448; // "HdrS"
    private static final int MIN_PROTOCOL = 0x0206;

    public BzImage {
        image = image.clone();
    }

    @Override
    public byte[] image() {
        return image.clone();
    }

    /**
     * Parses and validates a bzImage.
     *
     * @throws InvalidKernelException if the bytes are not a bzImage this loader can boot, with a
     *     message that says why
     */
    public static BzImage parse(byte[] file) {
        if (file.length < 0x250) {
            throw new InvalidKernelException(
                    "not a Linux bzImage: the file has "
                            + file.length
                            + " bytes, too short for a setup header");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0x202) != HEADER_MAGIC || (b.getShort(0x1FE) & 0xFFFF) != 0xAA55) {
            throw new InvalidKernelException(
                    "not a Linux bzImage: no \"HdrS\" setup header magic at offset 0x202");
        }
        int version = b.getShort(0x206) & 0xFFFF;
        if (version < MIN_PROTOCOL) {
            throw new InvalidKernelException(
                    String.format(
                            "Linux boot protocol %d.%02d is too old: 2.06 or later is needed",
                            version >> 8, version & 0xFF));
        }
        int loadFlags = file[0x211] & 0xFF;
        if ((loadFlags & LOADED_HIGH) == 0) {
            throw new InvalidKernelException(
                    "not a bzImage: LOADED_HIGH is clear, so this is a zImage loaded at 0x10000");
        }
        int setupSectors = file[SETUP_HEADER] & 0xFF;
        if (setupSectors == 0) {
            setupSectors = 4; // the protocol's rule for very old images
        }
        long setupBytes = (setupSectors + 1L) * 512;
        long sysBytes = (b.getInt(0x1F4) & 0xFFFFFFFFL) * 16;
        if (sysBytes == 0) {
            throw new InvalidKernelException("broken bzImage: syssize is 0");
        }
        if (file.length < setupBytes + sysBytes) {
            throw new InvalidKernelException(
                    "truncated bzImage: the header announces "
                            + (setupBytes + sysBytes)
                            + " bytes (setup "
                            + setupBytes
                            + " + kernel "
                            + sysBytes
                            + "), the file has "
                            + file.length);
        }
        long code32Start = b.getInt(0x214) & 0xFFFFFFFFL;
        long initrdAddrMax = b.getInt(0x22C) & 0xFFFFFFFFL;
        int cmdlineSize = b.getInt(0x238);
        long initSize = version >= 0x020A ? b.getInt(0x260) & 0xFFFFFFFFL : 0;
        if (file.length < 0x264 && version >= 0x020A) {
            initSize = 0;
        }
        return new BzImage(
                file,
                setupSectors,
                version,
                loadFlags,
                code32Start,
                initrdAddrMax,
                cmdlineSize,
                initSize);
    }

    /** Offset of the protected-mode kernel in the file. */
    public int kernelOffset() {
        return (setupSectors + 1) * 512;
    }

    /** The protected-mode kernel: everything after the setup sectors. */
    public byte[] protectedModeKernel() {
        return Arrays.copyOfRange(image, kernelOffset(), image.length);
    }

    /** The file's bytes without a copy, for the loader, which only reads them. */
    byte[] bytes() {
        return image;
    }

    /**
     * The setup header bytes from 0x1F1 to its end (0x202 plus the jump offset at 0x201), which a
     * loader copies into {@code boot_params}.
     */
    byte[] setupHeader() {
        int end = Math.min(0x202 + (image[0x201] & 0xFF), Math.min(image.length, 0x290));
        return Arrays.copyOfRange(image, SETUP_HEADER, end);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BzImage other && Arrays.equals(image, other.image);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(image);
    }

    @Override
    public String toString() {
        return String.format(
                "BzImage[protocol %d.%02d, %d setup sectors, %d bytes]",
                protocolVersion >> 8, protocolVersion & 0xFF, setupSectors, image.length);
    }
}
