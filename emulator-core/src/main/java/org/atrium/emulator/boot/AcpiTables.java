package org.atrium.emulator.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.atrium.emulator.bus.PhysicalMemory;

/**
 * The smallest ACPI tables (ACPI 6.5, chapter 5; revision 1 layouts, which every OS reads) that let
 * a directly booted kernel find the fixed hardware of {@code device.acpi.AcpiPm} and power the
 * machine off: RSDP, RSDT, FADT, FACS and a DSDT with an {@code _S5} object and the PCI host bridge
 * ({@code PNP0A03}) that Linux scans once ACPI describes the platform, with the bus numbers, I/O
 * ports and memory windows it forwards ({@code _CRS}).
 *
 * <p>Left out: MADT (the kernel then keeps the 8259 PICs), HPET, _PRT interrupt routing, memory
 * above 4 GiB in the bridge's windows, the ISA devices' own resources, every other sleep state and
 * device.
 */
public final class AcpiTables {
    /** Bytes the tables take from their base, within the 1 KiB the E820 map reserves for them. */
    public static final int SIZE = 0x200;

    private static final int FACS = 0x00, RSDP = 0x40, RSDT = 0x60, FADT = 0x90, DSDT = 0x110;
    private static final int FADT_LENGTH = 116;

    /** The top of the PCI memory window: just below the I/O APIC page, as on QEMU's "pc" board. */
    public static final long PCI_HOLE_END = 0xFEBFFFFFL;

    // The AML opcodes and resource descriptor tags used here (ACPI 6.5 sections 20.2 and 6.4).
    private static final int NAME_OP = 0x08, BYTE_PREFIX = 0x0A, WORD_PREFIX = 0x0B;
    private static final int DWORD_PREFIX = 0x0C, PACKAGE_OP = 0x12, BUFFER_OP = 0x11;
    private static final int SCOPE_OP = 0x10, EXT_OP_PREFIX = 0x5B, DEVICE_OP = 0x82;
    private static final int IO_PORT = 0x47, END_TAG = 0x79;
    private static final int DWORD_ADDRESS = 0x87, WORD_ADDRESS = 0x88;
    private static final int MEMORY_RANGE = 0, IO_RANGE = 1, BUS_NUMBER_RANGE = 2;
    // General flags: a producer with positive decoding whose minimum and maximum are both fixed.
    private static final int PRODUCER_FIXED = 0x0C;
    private static final int IO_ENTIRE_RANGE = 0x03, MEMORY_CACHEABLE_RW = 0x03, MEMORY_RW = 0x01;

    private AcpiTables() {}

    /**
     * Writes the tables at {@code base} (16-byte aligned, 64-byte aligned for the FACS, in memory
     * the E820 map reserves) for PM registers at I/O port {@code pmBase} ({@link
     * org.atrium.emulator.device.acpi.AcpiPm} layout) and SCI on IRQ {@code sciIrq}.
     *
     * @param pciHoleStart where RAM below 4 GiB ends and the PCI memory window begins; every PCI
     *     BAR the guest is to use must lie between it and {@link #PCI_HOLE_END}
     * @return the address of the RSDP
     */
    public static int write(
            PhysicalMemory memory, int base, int pmBase, int sciIrq, long pciHoleStart) {
        if ((base & 0x3F) != 0) {
            throw new IllegalArgumentException("ACPI tables need a 64-byte aligned base");
        }
        if (pciHoleStart < 0x100000 || pciHoleStart > PCI_HOLE_END) {
            throw new IllegalArgumentException(
                    "the PCI hole cannot start at 0x" + Long.toHexString(pciHoleStart));
        }
        byte[] aml = dsdtAml(pciHoleStart);
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

        ascii(b, FACS, "FACS");
        b.putInt(FACS + 4, 64);

        ascii(b, RSDP, "RSD PTR ");
        ascii(b, RSDP + 9, "ATRIUM");
        b.putInt(RSDP + 16, base + RSDT);
        b.put(RSDP + 8, checksum(b, RSDP, 20));

        header(b, RSDT, "RSDT", 40);
        b.putInt(RSDT + 36, base + FADT);
        b.put(RSDT + 9, checksum(b, RSDT, 40));

        header(b, FADT, "FACP", FADT_LENGTH);
        b.putInt(FADT + 36, base + FACS);
        b.putInt(FADT + 40, base + DSDT);
        b.putShort(FADT + 46, (short) sciIrq);
        b.putInt(FADT + 56, pmBase); // PM1a event block
        b.putInt(FADT + 64, pmBase + 4); // PM1a control block
        b.putInt(FADT + 76, pmBase + 8); // PM timer
        b.put(FADT + 88, (byte) 4);
        b.put(FADT + 89, (byte) 2);
        b.put(FADT + 91, (byte) 4);
        b.putShort(FADT + 96, (short) 101); // no C2 state
        b.putShort(FADT + 98, (short) 1001); // no C3 state
        // WBINVD works, C1 supported, power and sleep buttons are not fixed features.
        b.putInt(FADT + 112, 0x1 | 0x4 | 0x10 | 0x20);
        b.put(FADT + 9, checksum(b, FADT, FADT_LENGTH));

        int dsdtLength = 36 + aml.length;
        header(b, DSDT, "DSDT", dsdtLength);
        b.put(DSDT + 36, aml);
        b.put(DSDT + 9, checksum(b, DSDT, dsdtLength));

        byte[] bytes = b.array();
        for (int i = 0; i < bytes.length; i++) {
            memory.write8(base + i, bytes[i]);
        }
        return base + RSDP;
    }

    /**
     * The DSDT's AML: {@code Name(_S5_, Package(4) {5, 5, 0, 0})} and {@code Scope(\_SB_) {
     * Device(PCI0) { Name(_HID, EisaId("PNP0A03")) Name(_BBN, 0) Name(_CRS, ResourceTemplate()
     * {...}) } }}, whose resources follow SeaBIOS's and QEMU's i440FX DSDT: all 256 bus numbers,
     * the configuration ports 0xCF8-0xCFF, every other I/O port, the legacy VGA memory and the PCI
     * hole. Without them Linux finds no bridge window for the IDE controller's legacy ports and
     * ata_piix refuses the controller.
     */
    static byte[] dsdtAml(long pciHoleStart) {
        byte[] crs =
                concat(
                        wordAddress(BUS_NUMBER_RANGE, 0, 0, 0xFF),
                        new byte[] {IO_PORT, 0x01, (byte) 0xF8, 0x0C, (byte) 0xF8, 0x0C, 1, 8},
                        wordAddress(IO_RANGE, IO_ENTIRE_RANGE, 0x0000, 0x0CF7),
                        wordAddress(IO_RANGE, IO_ENTIRE_RANGE, 0x0D00, 0xFFFF),
                        dwordMemory(MEMORY_CACHEABLE_RW, 0xA0000, 0xBFFFF),
                        dwordMemory(MEMORY_RW, pciHoleStart, PCI_HOLE_END),
                        // The checksum byte 0 says the template is not checksummed.
                        new byte[] {END_TAG, 0});
        byte[] eisaIdPnp0a03 = {DWORD_PREFIX, 0x41, (byte) 0xD0, 0x0A, 0x03};
        byte[] pci0 =
                extended(
                        DEVICE_OP,
                        nameSeg("PCI0"),
                        name("_HID", eisaIdPnp0a03),
                        name("_BBN", new byte[] {0}),
                        name("_CRS", op(BUFFER_OP, integer(crs.length), crs)));
        byte[] s5 = {PACKAGE_OP, 0x08, 0x04, BYTE_PREFIX, 5, BYTE_PREFIX, 5, 0, 0};
        return concat(name("_S5_", s5), op(SCOPE_OP, new byte[] {'\\'}, nameSeg("_SB_"), pci0));
    }

    /** A Word Address Space Descriptor (section 6.4.3.5.3) for {@code min..max}. */
    private static byte[] wordAddress(int type, int typeFlags, int min, int max) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) WORD_ADDRESS).putShort((short) 13).put((byte) type);
        b.put((byte) PRODUCER_FIXED).put((byte) typeFlags).putShort((short) 0);
        b.putShort((short) min).putShort((short) max).putShort((short) 0);
        return b.putShort((short) (max - min + 1)).array();
    }

    /** A DWord Address Space Descriptor (section 6.4.3.5.2) for memory {@code min..max}. */
    private static byte[] dwordMemory(int typeFlags, long min, long max) {
        ByteBuffer b = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) DWORD_ADDRESS).putShort((short) 23).put((byte) MEMORY_RANGE);
        b.put((byte) PRODUCER_FIXED).put((byte) typeFlags).putInt(0);
        b.putInt((int) min).putInt((int) max).putInt(0);
        return b.putInt((int) (max - min + 1)).array();
    }

    private static byte[] name(String seg, byte[] value) {
        return concat(new byte[] {NAME_OP}, nameSeg(seg), value);
    }

    private static byte[] nameSeg(String seg) {
        return seg.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] integer(int value) {
        return value < 0x100
                ? new byte[] {BYTE_PREFIX, (byte) value}
                : new byte[] {WORD_PREFIX, (byte) value, (byte) (value >> 8)};
    }

    /** An opcode followed by the PkgLength (section 20.2.4) of its body and the body. */
    private static byte[] op(int opcode, byte[]... body) {
        byte[] content = concat(body);
        return concat(new byte[] {(byte) opcode}, pkgLength(content.length), content);
    }

    private static byte[] extended(int opcode, byte[]... body) {
        return concat(new byte[] {EXT_OP_PREFIX}, op(opcode, body));
    }

    /** A PkgLength counts its own bytes: one up to 63 in all, else two up to 4095. */
    private static byte[] pkgLength(int bodyLength) {
        if (bodyLength + 1 < 0x40) {
            return new byte[] {(byte) (bodyLength + 1)};
        }
        int length = bodyLength + 2;
        if (length >= 0x1000) {
            throw new IllegalStateException("AML package too long: " + length);
        }
        return new byte[] {(byte) (0x40 | (length & 0x0F)), (byte) (length >> 4)};
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    private static void header(ByteBuffer b, int at, String signature, int length) {
        ascii(b, at, signature);
        b.putInt(at + 4, length);
        b.put(at + 8, (byte) 1);
        ascii(b, at + 10, "ATRIUM");
        ascii(b, at + 16, "ATRIUMPC");
        b.putInt(at + 24, 1);
        ascii(b, at + 28, "ATRM");
        b.putInt(at + 32, 1);
    }

    private static void ascii(ByteBuffer b, int at, String s) {
        b.put(at, s.getBytes(StandardCharsets.US_ASCII));
    }

    /** The byte that makes {@code length} bytes from {@code at} sum to zero. */
    private static byte checksum(ByteBuffer b, int at, int length) {
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += b.get(at + i);
        }
        return (byte) -sum;
    }
}
