package org.atrium.emulator.boot;

/**
 * A linear framebuffer the boot loader announces to Linux in {@code boot_params.screen_info} as
 * {@code VIDEO_TYPE_VLFB}, the way a VESA BIOS mode set by GRUB is announced. The kernel's {@code
 * vesafb} (or {@code simplefb}) then draws the console there: a directly booted kernel has no VGA
 * BIOS, so the VGA text font is never loaded and the text console would stay blank.
 *
 * @param base physical address of the first pixel (the display adapter's framebuffer BAR)
 * @param width visible pixels per line
 * @param height visible lines
 * @param lineBytes bytes from one line to the next
 * @param memoryBytes size of the whole framebuffer memory, a multiple of 64 KiB
 */
public record LinearFramebuffer(long base, int width, int height, int lineBytes, int memoryBytes) {
    /** Only 32-bit pixels, 8 bits per colour: blue in the low byte, then green, then red. */
    public static final int BITS_PER_PIXEL = 32;

    public LinearFramebuffer {
        if (base <= 0 || base + memoryBytes > 1L << 32) {
            throw new IllegalArgumentException("framebuffer base out of the 32-bit space: " + base);
        }
        if (width <= 0 || height <= 0 || width > 0xFFFF || height > 0xFFFF) {
            throw new IllegalArgumentException("bad geometry " + width + "x" + height);
        }
        if (lineBytes < width * 4 || (long) lineBytes * height > memoryBytes) {
            throw new IllegalArgumentException("the picture does not fit in framebuffer memory");
        }
        if (memoryBytes % 0x10000 != 0) {
            throw new IllegalArgumentException("memoryBytes must be a multiple of 64 KiB");
        }
    }
}
