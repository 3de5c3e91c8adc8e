package org.atrium.emulator.boot;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.atrium.emulator.bus.PhysicalMemory;

/**
 * Loads a bzImage, an initrd and a command line into guest RAM the way a boot loader does for the
 * 32-bit boot protocol (Documentation/x86/boot.rst, "32-bit Boot Protocol"), and says how to start
 * the CPU. Nothing of the BIOS is needed or run: the kernel learns the RAM layout from the E820 map
 * in {@code boot_params} and never calls back into firmware.
 *
 * <p>Layout in low memory: a GDT at {@link #GDT}, {@code boot_params} (the "zero page") at {@link
 * #BOOT_PARAMS}, the command line at {@link #CMDLINE}; the kernel at its {@code code32_start}; the
 * initrd as high as {@code initrd_addr_max} and RAM allow. {@code screen_info} announces a linear
 * framebuffer when the caller has one ({@link LinearFramebuffer}); otherwise it stays zero and the
 * kernel finds no console screen. Left out: EDD, setup_data.
 */
public final class LinuxLoader {
    public static final int GDT = 0x5000;
    public static final int BOOT_PARAMS = 0x10000;
    public static final int CMDLINE = 0x20000;

    private static final long MIB = 1 << 20;
    // boot_params offsets (arch/x86/include/uapi/asm/bootparam.h).
    private static final int ACPI_RSDP_ADDR = 0x070;
    // struct screen_info (include/uapi/linux/screen_info.h) at offset 0.
    private static final int ORIG_VIDEO_IS_VGA = 0x0F;
    private static final int LFB_WIDTH = 0x12;
    private static final int LFB_HEIGHT = 0x14;
    private static final int LFB_DEPTH = 0x16;
    private static final int LFB_BASE = 0x18;
    private static final int LFB_SIZE = 0x1C;
    private static final int LFB_LINELENGTH = 0x24;
    private static final int RED_SIZE = 0x26;
    private static final int PAGES = 0x32;
    private static final int VIDEO_TYPE_VLFB = 0x23;
    private static final int ALT_MEM_K = 0x1E0;
    private static final int E820_ENTRIES = 0x1E8;
    private static final int TYPE_OF_LOADER = 0x210;
    private static final int LOADFLAGS = 0x211;
    private static final int RAMDISK_IMAGE = 0x218;
    private static final int RAMDISK_SIZE = 0x21C;
    private static final int HEAP_END_PTR = 0x224;
    private static final int CMD_LINE_PTR = 0x228;
    private static final int E820_TABLE = 0x2D0;
    private static final int E820_MAX = 128;
    private static final int CAN_USE_HEAP = 0x80;
    private static final int KEEP_SEGMENTS = 0x40;

    private LinuxLoader() {}

    /**
     * The PC memory map for {@code ramBytes} of RAM from 0 (the board's layout): usable low memory
     * up to the EBDA at 0x9FC00, the legacy video and BIOS area reserved up to 1 MiB, usable RAM
     * above it, and the BIOS ROM just below 4 GiB reserved. What lies between the end of RAM and
     * the ROM is left out, so Linux takes it as the gap for PCI devices.
     */
    public static List<E820Entry> pcMemoryMap(long ramBytes, long romBytes) {
        return List.of(
                new E820Entry(0, 0x9FC00, E820Entry.USABLE),
                new E820Entry(0x9FC00, 0x400, E820Entry.RESERVED),
                new E820Entry(0xF0000, 0x10000, E820Entry.RESERVED),
                new E820Entry(MIB, ramBytes - MIB, E820Entry.USABLE),
                new E820Entry((1L << 32) - romBytes, romBytes, E820Entry.RESERVED));
    }

    /**
     * Writes everything into {@code memory} and returns the CPU state to start from.
     *
     * @param ramBytes RAM size, which bounds the kernel and the initrd
     * @param initrd the initial RAM disk, or {@code null}
     * @param commandLine the kernel command line, or {@code null} for an empty one
     * @param acpiRsdp the address of the ACPI RSDP the kernel is to use, or 0 for none
     * @throws InvalidKernelException if the kernel, initrd or command line do not fit
     */
    public static Flat32Entry load(
            PhysicalMemory memory,
            long ramBytes,
            List<E820Entry> memoryMap,
            BzImage kernel,
            byte[] initrd,
            String commandLine,
            int acpiRsdp) {
        return load(memory, ramBytes, memoryMap, kernel, initrd, commandLine, acpiRsdp, null);
    }

    /**
     * Like {@link #load(PhysicalMemory, long, List, BzImage, byte[], String, int)}, and announces
     * {@code framebuffer} (when not {@code null}) in {@code screen_info}.
     */
    public static Flat32Entry load(
            PhysicalMemory memory,
            long ramBytes,
            List<E820Entry> memoryMap,
            BzImage kernel,
            byte[] initrd,
            String commandLine,
            int acpiRsdp,
            LinearFramebuffer framebuffer) {
        byte[] cmdline =
                (commandLine == null ? "" : commandLine).getBytes(StandardCharsets.US_ASCII);
        if (cmdline.length > kernel.cmdlineSize()) {
            throw new InvalidKernelException(
                    "the command line has "
                            + cmdline.length
                            + " bytes; this kernel accepts at most "
                            + kernel.cmdlineSize());
        }
        if (memoryMap.size() > E820_MAX) {
            throw new IllegalArgumentException("more than " + E820_MAX + " E820 entries");
        }
        // Copied straight from the image: a copy of its 5 MiB or so would only be garbage.
        byte[] image = kernel.bytes();
        int pmOffset = kernel.kernelOffset();
        int pmLength = image.length - pmOffset;
        long kernelBase = kernel.code32Start();
        long kernelEnd = kernelBase + Math.max(pmLength, kernel.initSize());
        if (kernelBase < MIB || kernelEnd > ramBytes) {
            throw new InvalidKernelException(
                    "the kernel needs RAM up to "
                            + kernelEnd
                            + " bytes at "
                            + Long.toHexString(kernelBase)
                            + "h; the machine has "
                            + ramBytes);
        }
        copy(memory, kernelBase, image, pmOffset, pmLength);

        long initrdBase = 0;
        if (initrd != null && initrd.length > 0) {
            long top = Math.min(kernel.initrdAddrMax() + 1, ramBytes);
            initrdBase = (top - initrd.length) & ~0xFFFL;
            if (initrdBase < kernelEnd) {
                throw new InvalidKernelException(
                        "the initrd ("
                                + initrd.length
                                + " bytes) does not fit in RAM above the kernel and below "
                                + Long.toHexString(top)
                                + "h");
            }
            copy(memory, initrdBase, initrd);
        }

        byte[] zeroPage = new byte[4096];
        byte[] header = kernel.setupHeader();
        System.arraycopy(header, 0, zeroPage, BzImage.SETUP_HEADER, header.length);
        zeroPage[TYPE_OF_LOADER] = (byte) 0xFF; // a loader without an assigned id
        zeroPage[LOADFLAGS] =
                (byte) ((zeroPage[LOADFLAGS] & ~(CAN_USE_HEAP | KEEP_SEGMENTS)) & 0xFF);
        putInt(zeroPage, HEAP_END_PTR, 0);
        putInt(zeroPage, RAMDISK_IMAGE, (int) initrdBase);
        putInt(zeroPage, RAMDISK_SIZE, initrd == null ? 0 : initrd.length);
        putInt(zeroPage, CMD_LINE_PTR, CMDLINE);
        putInt(zeroPage, ACPI_RSDP_ADDR, acpiRsdp);
        putInt(zeroPage, ALT_MEM_K, (int) Math.min((ramBytes - MIB) >> 10, 0xFFFFFFFFL));
        zeroPage[E820_ENTRIES] = (byte) memoryMap.size();
        int at = E820_TABLE;
        for (E820Entry e : memoryMap) {
            putLong(zeroPage, at, e.address());
            putLong(zeroPage, at + 8, e.size());
            putInt(zeroPage, at + 16, e.type());
            at += 20;
        }
        if (framebuffer != null) {
            writeScreenInfo(zeroPage, framebuffer);
        }
        copy(memory, BOOT_PARAMS, zeroPage);

        byte[] cmd = new byte[cmdline.length + 1];
        System.arraycopy(cmdline, 0, cmd, 0, cmdline.length);
        copy(memory, CMDLINE, cmd);

        // Null, unused, __BOOT_CS (flat 4 GiB code, 32-bit), __BOOT_DS (flat data).
        byte[] gdt = new byte[32];
        putLong(gdt, 16, 0x00CF9B000000FFFFL);
        putLong(gdt, 24, 0x00CF93000000FFFFL);
        copy(memory, GDT, gdt);
        return new Flat32Entry((int) kernelBase, BOOT_PARAMS, GDT, gdt.length - 1);
    }

    /** What GRUB's {@code gfxpayload} hands over: a VESA linear framebuffer, x8r8g8b8. */
    private static void writeScreenInfo(byte[] zeroPage, LinearFramebuffer fb) {
        zeroPage[ORIG_VIDEO_IS_VGA] = VIDEO_TYPE_VLFB;
        putShort(zeroPage, LFB_WIDTH, fb.width());
        putShort(zeroPage, LFB_HEIGHT, fb.height());
        putShort(zeroPage, LFB_DEPTH, LinearFramebuffer.BITS_PER_PIXEL);
        putInt(zeroPage, LFB_BASE, (int) fb.base());
        // In 64 KiB units for VIDEO_TYPE_VLFB (arch/x86/kernel/sysfb, vesafb).
        putInt(zeroPage, LFB_SIZE, fb.memoryBytes() >>> 16);
        putShort(zeroPage, LFB_LINELENGTH, fb.lineBytes());
        // red, green, blue, reserved: size and position of each.
        byte[] channels = {8, 16, 8, 8, 8, 0, 8, 24};
        System.arraycopy(channels, 0, zeroPage, RED_SIZE, channels.length);
        putShort(zeroPage, PAGES, 1);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    private static void copy(PhysicalMemory memory, long address, byte[] data) {
        copy(memory, address, data, 0, data.length);
    }

    private static void copy(
            PhysicalMemory memory, long address, byte[] data, int offset, int length) {
        int a = (int) address - offset;
        int i = offset;
        int end = offset + length;
        for (; i + 4 <= end; i += 4) {
            memory.write32(
                    a + i,
                    (data[i] & 0xFF)
                            | (data[i + 1] & 0xFF) << 8
                            | (data[i + 2] & 0xFF) << 16
                            | (data[i + 3] & 0xFF) << 24);
        }
        for (; i < end; i++) {
            memory.write8(a + i, data[i]);
        }
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
