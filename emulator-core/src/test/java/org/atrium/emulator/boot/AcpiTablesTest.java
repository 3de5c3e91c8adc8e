package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.atrium.emulator.bus.ByteArrayMemory;
import org.junit.jupiter.api.Test;

/** Table layouts and checksums per ACPI 6.5 chapter 5 (revision 1 RSDP and FADT). */
class AcpiTablesTest {
    private final ByteArrayMemory memory = new ByteArrayMemory(0x100000);
    private final byte[] ram = memory.bytes;

    private String ascii(int at, int length) {
        return new String(ram, at, length, StandardCharsets.US_ASCII);
    }

    private int sum(int at, int length) {
        int s = 0;
        for (int i = 0; i < length; i++) {
            s += ram[at + i];
        }
        return s & 0xFF;
    }

    @Test
    void rsdpLeadsThroughRsdtAndFadtToTheDsdt() {
        int rsdp = AcpiTables.write(memory, 0x9FC00, 0x600, 9);
        assertEquals(0, rsdp & 15, "RSDP on a 16-byte boundary");
        assertEquals("RSD PTR ", ascii(rsdp, 8));
        assertEquals(0, sum(rsdp, 20), "RSDP checksum");

        int rsdt = memory.read32(rsdp + 16);
        assertEquals("RSDT", ascii(rsdt, 4));
        assertEquals(0, sum(rsdt, memory.read32(rsdt + 4)), "RSDT checksum");

        int fadt = memory.read32(rsdt + 36);
        assertEquals("FACP", ascii(fadt, 4));
        assertEquals(116, memory.read32(fadt + 4));
        assertEquals(0, sum(fadt, 116), "FADT checksum");
        assertEquals(9, memory.read16(fadt + 46), "SCI_INT");
        assertEquals(0x600, memory.read32(fadt + 56), "PM1a_EVT_BLK");
        assertEquals(0x604, memory.read32(fadt + 64), "PM1a_CNT_BLK");
        assertEquals(0x608, memory.read32(fadt + 76), "PM_TMR_BLK");

        int facs = memory.read32(fadt + 36);
        assertEquals(0, facs & 63, "FACS 64-byte aligned");
        assertEquals("FACS", ascii(facs, 4));

        int dsdt = memory.read32(fadt + 40);
        int length = memory.read32(dsdt + 4);
        assertEquals("DSDT", ascii(dsdt, 4));
        assertEquals(0, sum(dsdt, length), "DSDT checksum");
        // Name(_S5_, Package(4) {5, ...}): SLP_TYP 5, what AcpiPm takes for S5.
        String aml = ascii(dsdt + 36, length - 36);
        int s5 = aml.indexOf("_S5_");
        assertEquals(0x0A, ram[dsdt + 36 + s5 + 7]);
        assertEquals(5, ram[dsdt + 36 + s5 + 8]);
    }
}
