package org.atrium.emulator.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.CodeWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryMapTest {
    private static final int MIB = 1 << 20;

    private final byte[] rom = romPattern(128 * 1024);
    private final MemoryMap map = new MemoryMap(8 * MIB, rom);

    private static byte[] romPattern(int size) {
        byte[] r = new byte[size];
        for (int i = 0; i < size; i++) {
            r[i] = (byte) (i * 7 + (i >> 8));
        }
        return r;
    }

    @AfterEach
    void close() {
        map.close();
    }

    @Test
    void ramIsLittleEndianAtEverySize() {
        map.write32(0x1000, 0x11223344);
        assertEquals(0x44, map.read8(0x1000));
        assertEquals(0x3344, map.read16(0x1000));
        assertEquals(0x1122, map.read16(0x1002));
        map.write16(0x200001, 0xBEEF);
        assertEquals(0xBEEF, map.read16(0x200001));
        map.write8(0x7FFFFF, 0xAB);
        assertEquals(0xAB, map.read8(0x7FFFFF));
        assertEquals(0xAB, map.ram().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0x7FFFFF) & 0xFF);
    }

    @Test
    void everyWriteIntoRamTellsTheCodeWatch() {
        CodeWatch watch = map.codeWatch();
        long[] pages = {0x3000, 0x4000, 0x5000, 0xC8000, 0x10_0000};
        for (long page : pages) {
            watch.watch(page);
        }
        long epoch = watch.epoch();
        map.write32(0x2000, 1); // a page holding no code
        map.write16(0x2FFE, 1);
        assertEquals(epoch, watch.epoch(), "pages without code are written freely");

        map.write8(0x3FFF, 1);
        assertEquals(++epoch, watch.epoch(), "a byte into a page of code");
        map.write8(0x3000, 1);
        assertEquals(epoch, watch.epoch(), "the page is no longer watched");
        map.write32(0x4FFE, 1); // ends in the next page
        assertEquals(epoch += 2, watch.epoch(), "a dword across two pages of code");
        map.setShadow(0xC8000, 0x4000, true, true);
        map.write8(0xC8010, 1); // through the shadow area's byte path
        assertEquals(++epoch, watch.epoch(), "a write into shadowed RAM");
        map.write16(0x10_0000, 1);
        assertEquals(++epoch, watch.epoch(), "a word");

        watch.watch(0x6000);
        map.write32(0x6FFF, -1); // across the end of the page
        assertEquals(++epoch, watch.epoch());
    }

    @Test
    void unmappedAddressesReadAllOnesAndIgnoreWrites() {
        map.write32(0x4000_0000, 0);
        assertEquals(0xFFFF_FFFF, map.read32(0x4000_0000));
        assertEquals(0xFF, map.read8(0x800000));
        assertEquals(0xFFFF, map.read16(0x7FFFFF) | 0xFF);
    }

    @Test
    void biosRomAtTheTopOfMemoryAndItsLastBlockBelowOneMib() {
        assertEquals(rom[0] & 0xFF, map.read8(0xFFFE_0000));
        assertEquals(rom[rom.length - 1] & 0xFF, map.read8(0xFFFF_FFFF));
        assertEquals(rom[rom.length - 16] & 0xFF, map.read8(0xFFFF0));
        assertEquals(rom[0] & 0xFF, map.read8(0xE0000));
        map.write8(0xFFFF0, 0);
        assertEquals(rom[rom.length - 16] & 0xFF, map.read8(0xFFFF0), "ROM is read-only");
    }

    @Test
    void largerBiosAliasesOnlyItsTop128KibBelowOneMib() {
        byte[] big = romPattern(256 * 1024);
        try (MemoryMap m = new MemoryMap(4 * MIB, big)) {
            assertEquals(big[128 * 1024] & 0xFF, m.read8(0xE0000));
            assertEquals(big[0] & 0xFF, m.read8(0xFFFC_0000));
        }
    }

    @Test
    void shadowRamTakesWritesThenReadsAsPamProgramsIt() {
        int romByte = rom[rom.length - 0x10000] & 0xFF;
        map.setShadow(0xF0000, 0x10000, false, true);
        map.write8(0xF0000, romByte ^ 0xFF);
        assertEquals(romByte, map.read8(0xF0000), "reads still from ROM");
        map.setShadow(0xF0000, 0x10000, true, false);
        assertEquals(romByte ^ 0xFF, map.read8(0xF0000), "reads from shadow RAM");
        map.write8(0xF0000, 0);
        assertEquals(romByte ^ 0xFF, map.read8(0xF0000), "write-protected shadow");
        assertEquals(0xFF, map.read8(0xC0000), "no ROM or RAM there yet");
        map.setShadow(0xC0000, 0x4000, true, true);
        map.write16(0xC0000, 0xAA55);
        assertEquals(0xAA55, map.read16(0xC0000));
    }

    @Test
    void a20GateWrapsAddressBit20() {
        map.write8(0x000010, 0x11);
        map.write8(0x100010, 0x22);
        map.setA20(false);
        assertEquals(0x11, map.read8(0x100010));
        map.write8(0x300010, 0x33);
        assertEquals(0x33, map.read8(0x200010));
        map.setA20(true);
        assertEquals(0x22, map.read8(0x100010));
    }

    @Test
    void accessStraddlingTheA20BoundaryWrapsPerByte() {
        map.write8(0xFFFFF, 0);
        map.write8(0x0, 0xCD);
        map.setA20(false);
        map.setShadow(0xF0000, 0x10000, true, true);
        map.write8(0xFFFFF, 0xAB);
        assertEquals(0xCDAB, map.read16(0xFFFFF));
    }

    @Test
    void deviceWindowsSeeOffsetsAndAccessSize() {
        int[] last = new int[3];
        BusDevice device =
                new BusDevice() {
                    @Override
                    public int read(int offset, int size) {
                        return offset * 0x100 + size;
                    }

                    @Override
                    public void write(int offset, int size, int value) {
                        last[0] = offset;
                        last[1] = size;
                        last[2] = value;
                    }
                };
        MemoryMap.Window w = map.window(device);
        w.place(0xA0000, 0x20000);
        assertEquals(0x1004, map.read32(0xA0010));
        map.write16(0xB8000, 0x0741);
        assertEquals(0x18000, last[0]);
        assertEquals(2, last[1]);
        assertEquals(0x0741, last[2]);
        w.place(0xE000_0000L, 0x100_0000);
        assertEquals(0x502, map.read16(0xE000_0005));
        w.remove();
        assertEquals(0xFF, map.read8(0xE000_0005));
    }

    @Test
    void rejectsBadImages() {
        assertThrows(IllegalArgumentException.class, () -> new MemoryMap(8 * MIB, new byte[1000]));
        assertThrows(IllegalArgumentException.class, () -> new MemoryMap(1000, rom));
    }
}
