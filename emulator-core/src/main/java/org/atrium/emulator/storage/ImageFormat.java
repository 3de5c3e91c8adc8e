package org.atrium.emulator.storage;

import java.util.Locale;

/** The disk image formats Atrium reads and writes, named as {@code qemu-img -f} names them. */
public enum ImageFormat {
    RAW,
    QCOW2;

    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format for a {@code qemu-img} name, or a clear error for any other. */
    public static ImageFormat ofQemuName(String name) throws ImageFormatException {
        return switch (name) {
            case "raw" -> RAW;
            case "qcow2" -> QCOW2;
            default -> throw new ImageFormatException("unsupported image format '" + name + "'");
        };
    }
}
