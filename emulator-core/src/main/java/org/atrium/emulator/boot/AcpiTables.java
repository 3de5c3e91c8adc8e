package org.atrium.emulator.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.atrium.emulator.bus.PhysicalMemory;

/**
 * The smallest ACPI tables (ACPI 6.5, chapter 5; revision 1 layouts, which every OS reads) that let
 * a directly booted kernel find the fixed hardware of {@code device.acpi.AcpiPm} and power the
 * machine off: RSDP, RSDT, FADT, FACS and a DSDT with an {@code _S5} object and the PCI host bridge
 * ({@code PNP0A03}) that Linux scans once ACPI describes the platform.
 *
 * <p>Left out: MADT (the kernel then keeps the 8259 PICs), HPET, _PRT interrupt routing, _CRS
 * resources, every other sleep state and device.
 */
public final class AcpiTables {
    /** Bytes the tables take from their base. */
    public static final int SIZE = 0x180;

    private static final int FACS = 0x00, RSDP = 0x40, RSDT = 0x60, FADT = 0x90, DSDT = 0x110;
    private static final int FADT_LENGTH = 116;

    // Name(_S5_, Package(4) {5, 5, 0, 0}) then
    // Scope(\_SB_) { Device(PCI0) { Name(_HID, EisaId("PNP0A03")) Name(_BBN, 0) } }
    private static final byte[] DSDT_AML = {
        0x08,
        '_',
        'S',
        '5',
        '_',
        0x12,
        0x08,
        0x04,
        0x0A,
        0x05,
        0x0A,
        0x05,
        0x00,
        0x00,
        0x10,
        0x1D,
        0x5C,
        '_',
        'S',
        'B',
        '_',
        0x5B,
        (byte) 0x82,
        0x15,
        'P',
        'C',
        'I',
        '0',
        0x08,
        '_',
        'H',
        'I',
        'D',
        0x0C,
        0x41,
        (byte) 0xD0,
        0x0A,
        0x03,
        0x08,
        '_',
        'B',
        'B',
        'N',
        0x00
    };

    private AcpiTables() {}

    /**
     * Writes the tables at {@code base} (16-byte aligned, 64-byte aligned for the FACS, in memory
     * the E820 map reserves) for PM registers at I/O port {@code pmBase} ({@link
     * org.atrium.emulator.device.acpi.AcpiPm} layout) and SCI on IRQ {@code sciIrq}.
     *
     * @return the address of the RSDP
     */
    public static int write(PhysicalMemory memory, int base, int pmBase, int sciIrq) {
        if ((base & 0x3F) != 0) {
            throw new IllegalArgumentException("ACPI tables need a 64-byte aligned base");
        }
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

        int dsdtLength = 36 + DSDT_AML.length;
        header(b, DSDT, "DSDT", dsdtLength);
        b.put(DSDT + 36, DSDT_AML);
        b.put(DSDT + 9, checksum(b, DSDT, dsdtLength));

        byte[] bytes = b.array();
        for (int i = 0; i < bytes.length; i++) {
            memory.write8(base + i, bytes[i]);
        }
        return base + RSDP;
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
