package org.atrium.emulator.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.atrium.emulator.bus.ByteArrayMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Table layouts and checksums per ACPI 6.5 chapter 5 (revision 1 RSDP and FADT). */
class AcpiTablesTest {
    private static final long RAM_END = 256L << 20;

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

    private int dsdt(long ramEnd) {
        int rsdp = AcpiTables.write(memory, 0x9FC00, 0x600, 9, ramEnd);
        return memory.read32(memory.read32(memory.read32(rsdp + 16) + 36) + 40);
    }

    @Test
    void rsdpLeadsThroughRsdtAndFadtToTheDsdt() {
        int rsdp = AcpiTables.write(memory, 0x9FC00, 0x600, 9, RAM_END);
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
        assertTrue(dsdt + length <= 0x9FC00 + AcpiTables.SIZE, "DSDT inside the tables' bytes");
        // Name(_S5_, Package(4) {5, ...}): SLP_TYP 5, what AcpiPm takes for S5.
        String aml = ascii(dsdt + 36, length - 36);
        int s5 = aml.indexOf("_S5_");
        assertEquals(0x0A, ram[dsdt + 36 + s5 + 7]);
        assertEquals(5, ram[dsdt + 36 + s5 + 8]);
    }

    /** One address range a resource descriptor of the _CRS gives. */
    record Window(String kind, long min, long max) {}

    /** Decodes the resource template of Name(_CRS, Buffer) per ACPI 6.5 section 6.4. */
    private List<Window> crsWindows(int dsdt) {
        int length = memory.read32(dsdt + 4);
        int name = ascii(dsdt, length).indexOf("_CRS");
        int at = dsdt + name + 4;
        assertEquals(0x11, ram[at++], "BufferOp");
        int lead = ram[at] & 0xFF;
        int pkgLength = lead >> 6 == 0 ? lead : lead & 0x0F | (ram[at + 1] & 0xFF) << 4;
        int bufferEnd = at + pkgLength;
        at += 1 + (lead >> 6);
        assertEquals(0x0A, ram[at], "BytePrefix of the buffer size");
        int size = ram[at + 1] & 0xFF;
        at += 2;
        assertEquals(bufferEnd, at + size, "PkgLength and buffer size agree");
        List<Window> windows = new ArrayList<>();
        while (true) {
            int tag = ram[at] & 0xFF;
            if (tag == 0x79) {
                assertEquals(0, ram[at + 1], "End tag checksum 0: not checksummed");
                assertEquals(bufferEnd, at + 2, "End tag closes the buffer");
                return windows;
            }
            switch (tag) {
                case 0x47 -> {
                    assertEquals(memory.read16(at + 2), memory.read16(at + 4), "fixed IO");
                    windows.add(
                            new Window(
                                    "io consumed",
                                    memory.read16(at + 2),
                                    memory.read16(at + 2) + (ram[at + 7] & 0xFF) - 1));
                    at += 8;
                }
                case 0x88 -> {
                    String kind = ram[at + 3] == 2 ? "bus" : ram[at + 3] == 1 ? "io" : "?";
                    long min = memory.read16(at + 8), max = memory.read16(at + 10);
                    assertEquals(max - min + 1, memory.read16(at + 14), kind + " range length");
                    assertEquals(0x0C, ram[at + 4], "producer, min and max fixed");
                    windows.add(new Window(kind, min, max));
                    at += 3 + memory.read16(at + 1);
                }
                case 0x87 -> {
                    assertEquals(0, ram[at + 3], "memory range");
                    long min = memory.read32(at + 10) & 0xFFFFFFFFL;
                    long max = memory.read32(at + 14) & 0xFFFFFFFFL;
                    long len = memory.read32(at + 22) & 0xFFFFFFFFL;
                    assertEquals(max - min + 1, len, "memory range length");
                    windows.add(new Window("memory", min, max));
                    at += 3 + memory.read16(at + 1);
                }
                default -> throw new AssertionError("unexpected resource tag 0x" + tag);
            }
        }
    }

    @Test
    void pciRootBridgeForwardsBusesPortsLegacyVideoAndThePciHole() {
        assertEquals(
                List.of(
                        new Window("bus", 0, 0xFF),
                        new Window("io consumed", 0xCF8, 0xCFF),
                        new Window("io", 0, 0xCF7),
                        new Window("io", 0xD00, 0xFFFF),
                        new Window("memory", 0xA0000, 0xBFFFF),
                        new Window("memory", RAM_END, 0xFEBFFFFFL)),
                crsWindows(dsdt(RAM_END)));
    }

    @Test
    void pciHoleHoldsTheBarsDirectBootPlaces() {
        // PcBoard's largest RAM ends at 3.5 GiB; the VGA framebuffer and the tablet's BAR follow.
        Window hole = crsWindows(dsdt(3584L << 20)).getLast();
        assertEquals(0xE0000000L, hole.min());
        assertTrue(hole.max() >= 0xFD000000L + (16 << 20) - 1, "std VGA framebuffer BAR");
        assertTrue(hole.max() >= 0xFEBF0000L + 0x4000 - 1, "virtio tablet BAR");
    }

    @Test
    void refusesAPciHoleThatCannotHoldBars() {
        assertThrows(
                IllegalArgumentException.class,
                () -> AcpiTables.write(memory, 0x9FC00, 0x600, 9, 0xFEC00000L));
    }

    /**
     * ACPICA's disassembler reads the DSDT as Linux's interpreter does. Needs {@code iasl}
     * (Debian's acpica-tools, which {@code .ci/install-prereqs} installs): in CI (the CI variable
     * is set) its absence fails the test, elsewhere it skips it.
     */
    @Test
    void iaslDisassemblesTheDsdt(@TempDir Path dir) throws IOException, InterruptedException {
        if (System.getenv("CI") != null) {
            assertTrue(onPath("iasl"), "iasl is not installed (acpica-tools)");
        }
        assumeTrue(onPath("iasl"), "iasl is not installed");
        int dsdt = dsdt(RAM_END);
        Path table = dir.resolve("dsdt.dat");
        Files.write(table, Arrays.copyOfRange(ram, dsdt, dsdt + memory.read32(dsdt + 4)));
        Process iasl =
                new ProcessBuilder("iasl", "-d", table.toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(iasl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, iasl.waitFor(), output);
        // Without its comments, one space for each run of white space.
        String asl =
                Files.readString(dir.resolve("dsdt.dsl"))
                        .replaceAll("(?s)/\\*.*?\\*/|//[^\n]*", "")
                        .replaceAll("\\s+", " ");
        assertTrue(asl.contains("Name (_HID, EisaId (\"PNP0A03\") )"), asl);
        assertTrue(asl.contains("WordBusNumber (ResourceProducer, MinFixed, MaxFixed,"), asl);
        assertTrue(asl.contains("IO (Decode16, 0x0CF8, 0x0CF8, 0x01, 0x08,"), asl);
        assertTrue(asl.contains("0x0000, 0x0CF7, 0x0000, 0x0CF8,"), asl);
        assertTrue(asl.contains("0x0D00, 0xFFFF, 0x0000, 0xF300,"), asl);
        assertTrue(asl.contains("0x000A0000, 0x000BFFFF, 0x00000000, 0x00020000,"), asl);
        assertTrue(asl.contains("0x10000000, 0xFEBFFFFF, 0x00000000, 0xEEC00000,"), asl);
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null
                && Arrays.stream(path.split(java.io.File.pathSeparator))
                        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
