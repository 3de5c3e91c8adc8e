package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.atrium.emulator.bus.ByteArrayMemory;
import org.junit.jupiter.api.Test;

class LinuxLoaderTest {
    private static final long RAM = 32L << 20;
    private static final long ROM = 256 << 10;

    private static Flat32Entry load(
            ByteArrayMemory ram, SyntheticBzImage image, byte[] initrd, String cmdline) {
        return LinuxLoader.load(
                ram,
                RAM,
                LinuxLoader.pcMemoryMap(RAM, ROM),
                BzImage.parse(image.build()),
                initrd,
                cmdline,
                0x9FC40);
    }

    @Test
    void placesKernelInitrdCommandLineAndZeroPage() {
        ByteArrayMemory ram = new ByteArrayMemory((int) RAM);
        byte[] initrd = new byte[10_000];
        initrd[0] = 0x1F;
        initrd[9_999] = 0x42;
        Flat32Entry entry = load(ram, new SyntheticBzImage(), initrd, "console=ttyS0");

        assertEquals(
                new Flat32Entry(0x100000, LinuxLoader.BOOT_PARAMS, LinuxLoader.GDT, 31), entry);
        for (int i = 0; i < 4096; i++) {
            assertEquals(
                    SyntheticBzImage.kernelByte(i) & 0xFF, ram.read8(0x100000 + i), "byte " + i);
        }
        int bp = LinuxLoader.BOOT_PARAMS;
        assertEquals(0x53726448, ram.read32(bp + 0x202), "setup header copied");
        assertEquals(0xFF, ram.read8(bp + 0x210), "type_of_loader");
        assertEquals(BzImage.LOADED_HIGH, ram.read8(bp + 0x211), "loadflags");
        assertEquals(0x9FC40, ram.read32(bp + 0x070), "acpi_rsdp_addr");

        int cmdPtr = ram.read32(bp + 0x228);
        byte[] cmd = new byte[14];
        for (int i = 0; i < cmd.length; i++) {
            cmd[i] = (byte) ram.read8(cmdPtr + i);
        }
        assertEquals("console=ttyS0\0", new String(cmd, StandardCharsets.US_ASCII));

        int initrdAt = ram.read32(bp + 0x218);
        assertEquals(10_000, ram.read32(bp + 0x21C));
        assertEquals(0, initrdAt & 0xFFF, "page aligned");
        assertTrue(
                initrdAt + 10_000 <= RAM && initrdAt + 10_000 > RAM - 4096,
                "as high as RAM allows");
        assertEquals(0x1F, ram.read8(initrdAt));
        assertEquals(0x42, ram.read8(initrdAt + 9_999));
    }

    @Test
    void writesTheE820MapAndTheBootGdt() {
        ByteArrayMemory ram = new ByteArrayMemory((int) RAM);
        load(ram, new SyntheticBzImage(), null, null);
        int bp = LinuxLoader.BOOT_PARAMS;
        List<E820Entry> expected = LinuxLoader.pcMemoryMap(RAM, ROM);
        assertEquals(expected.size(), ram.read8(bp + 0x1E8));
        for (int i = 0; i < expected.size(); i++) {
            int at = bp + 0x2D0 + 20 * i;
            E820Entry e = new E820Entry(ram.read64(at), ram.read64(at + 8), ram.read32(at + 16));
            assertEquals(expected.get(i), e);
        }
        assertEquals(new E820Entry(1 << 20, RAM - (1 << 20), E820Entry.USABLE), expected.get(3));
        assertEquals(new E820Entry((1L << 32) - ROM, ROM, E820Entry.RESERVED), expected.get(4));
        assertEquals(0, ram.read32(bp + 0x218), "no initrd");
        assertEquals(0, ram.read8(LinuxLoader.CMDLINE), "empty command line");
        assertEquals(0x00CF9B000000FFFFL, ram.read64(LinuxLoader.GDT + 0x10), "__BOOT_CS");
        assertEquals(0x00CF93000000FFFFL, ram.read64(LinuxLoader.GDT + 0x18), "__BOOT_DS");
    }

    @Test
    void keepsTheInitrdBelowInitrdAddrMax() {
        ByteArrayMemory ram = new ByteArrayMemory((int) RAM);
        load(ram, new SyntheticBzImage().initrdAddrMax(0x00FFFFFF), new byte[5000], null);
        int initrdAt = ram.read32(LinuxLoader.BOOT_PARAMS + 0x218);
        assertEquals(0x1000000 - 8192, initrdAt);
    }

    @Test
    void refusesACommandLineLongerThanTheKernelTakes() {
        InvalidKernelException e =
                assertThrows(
                        InvalidKernelException.class,
                        () ->
                                load(
                                        new ByteArrayMemory((int) RAM),
                                        new SyntheticBzImage().cmdlineSize(8),
                                        null,
                                        "123456789"));
        assertTrue(e.getMessage().contains("at most 8"), e.getMessage());
    }

    @Test
    void refusesAnInitrdThatDoesNotFit() {
        InvalidKernelException e =
                assertThrows(
                        InvalidKernelException.class,
                        () ->
                                load(
                                        new ByteArrayMemory((int) RAM),
                                        new SyntheticBzImage(),
                                        new byte[(int) RAM],
                                        null));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void announcesALinearFramebufferInScreenInfo() {
        ByteArrayMemory ram = new ByteArrayMemory((int) RAM);
        LinuxLoader.load(
                ram,
                RAM,
                LinuxLoader.pcMemoryMap(RAM, ROM),
                BzImage.parse(new SyntheticBzImage().build()),
                null,
                "",
                0,
                new LinearFramebuffer(0xFD000000L, 1024, 768, 4096, 16 << 20));
        int bp = LinuxLoader.BOOT_PARAMS;
        assertEquals(0x23, ram.read8(bp + 0x0F), "orig_video_isVGA = VIDEO_TYPE_VLFB");
        assertEquals(1024, ram.read16(bp + 0x12), "lfb_width");
        assertEquals(768, ram.read16(bp + 0x14), "lfb_height");
        assertEquals(32, ram.read16(bp + 0x16), "lfb_depth");
        assertEquals(0xFD000000, ram.read32(bp + 0x18), "lfb_base");
        assertEquals(256, ram.read32(bp + 0x1C), "lfb_size in 64 KiB units");
        assertEquals(4096, ram.read16(bp + 0x24), "lfb_linelength");
        int[] channels = {8, 16, 8, 8, 8, 0, 8, 24};
        for (int i = 0; i < channels.length; i++) {
            assertEquals(channels[i], ram.read8(bp + 0x26 + i), "colour field " + i);
        }
    }

    @Test
    void leavesScreenInfoEmptyWithoutAFramebuffer() {
        ByteArrayMemory ram = new ByteArrayMemory((int) RAM);
        load(ram, new SyntheticBzImage(), null, "");
        assertEquals(0, ram.read8(LinuxLoader.BOOT_PARAMS + 0x0F));
        assertEquals(0, ram.read32(LinuxLoader.BOOT_PARAMS + 0x18));
    }

    @Test
    void refusesAFramebufferThatDoesNotFitItsMemory() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new LinearFramebuffer(0xFD000000L, 1024, 768, 4096, 1 << 20));
    }
}
