package org.atrium.emulator.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.atrium.emulator.bus.IoPorts;
import org.atrium.emulator.bus.PhysicalMemory;

/**
 * A deliberately crude PC for running real firmware on the CPU alone: flat RAM, the BIOS image at
 * the top of the 4 GiB space and its last 128 KiB at 0xE0000, a CMOS that reports the RAM size,
 * port 0x61's refresh toggle, and SeaBIOS's debug console on port 0x402. Everything else reads as
 * an empty ISA bus. It stands in for the chipset, which is built elsewhere, so that CPU bugs show
 * up as how far the firmware gets.
 */
final class CrudeBiosBoard implements PhysicalMemory, IoPorts, InterruptSource {
    final byte[] ram;
    final byte[] bios;
    final StringBuilder debug = new StringBuilder();
    final Cpu cpu;
    private int cmosIndex;
    private int pciAddress;
    // Config spaces of 00:00.0 (i440FX host bridge) and 00:01.0 (PIIX3 ISA bridge).
    private final byte[][] pci = new byte[3][256];
    // 00:02.0 is a VGA (1234:1111) whose expansion-ROM BAR maps the VGA BIOS image, if one is
    // given.
    private final byte[] vgaBios;
    private static final int VGA_ROM_SIZE = 0x10000;
    private static final int VGA_FB_SIZE = 0x1000000;
    private int refresh;
    private long ticks;
    // When set, IRQ0 (vector 8 after SeaBIOS programs the PIC) is raised every this many steps.
    long timerPeriod;
    private long nextTimer;
    private boolean timerPending;

    CrudeBiosBoard(Path biosImage, Path vgaBiosImage, int ramMiB) throws IOException {
        bios = Files.readAllBytes(biosImage);
        vgaBios = vgaBiosImage == null ? null : Files.readAllBytes(vgaBiosImage);
        ram = new byte[ramMiB << 20];
        int lowSize = Math.min(bios.length, 0x20000);
        System.arraycopy(bios, bios.length - lowSize, ram, 0x100000 - lowSize, lowSize);
        cpu = new Cpu(this, this, this, () -> ticks);
        pciId(pci[0], 0x8086, 0x1237, 0x060000, 0);
        pciId(pci[1], 0x8086, 0x7000, 0x060100, 0x80);
        pciId(pci[2], 0x1234, 0x1111, 0x030000, 0);
        pci[2][0x10] = 8;
    }

    private static void pciId(byte[] cfg, int vendor, int device, int classCode, int headerType) {
        cfg[0] = (byte) vendor;
        cfg[1] = (byte) (vendor >> 8);
        cfg[2] = (byte) device;
        cfg[3] = (byte) (device >> 8);
        cfg[9] = (byte) classCode;
        cfg[10] = (byte) (classCode >> 8);
        cfg[11] = (byte) (classCode >> 16);
        cfg[14] = (byte) headerType;
    }

    private byte[] pciDevice() {
        if ((pciAddress & 0x80000000) == 0 || ((pciAddress >> 16) & 0xFF) != 0) {
            return null;
        }
        int devfn = (pciAddress >> 8) & 0xFF;
        if (devfn == 16 && vgaBios != null) {
            return pci[2];
        }
        return devfn == 0 ? pci[0] : devfn == 8 ? pci[1] : null;
    }

    /**
     * Runs up to {@code steps} instructions, stopping early at a halt with IF clear or a shutdown.
     */
    long run(long steps) {
        long done = 0;
        while (done < steps) {
            int n = cpu.run(timerPeriod > 0 ? (int) Math.min(10_000, timerPeriod) : 10_000);
            done += n == 0 ? 1_000 : n;
            ticks += n == 0 ? 1_000 : n;
            if (timerPeriod > 0 && ticks >= nextTimer) {
                timerPending = true;
                nextTimer = ticks + timerPeriod;
            }
            if (cpu.failure() != null || cpu.shutdownRequested()) {
                break;
            }
            if (cpu.halted() && (cpu.eflags() & Cpu.IF) == 0) {
                break;
            }
        }
        return done;
    }

    private int byteAt(int address) {
        int romBar = le32(pci[2], 0x30);
        if (vgaBios != null && (romBar & 1) != 0) {
            int off = address - (romBar & ~(VGA_ROM_SIZE - 1));
            if (off >= 0 && off < VGA_ROM_SIZE) {
                return off < vgaBios.length ? vgaBios[off] & 0xFF : 0xFF;
            }
        }
        if (Integer.compareUnsigned(address, -bios.length) >= 0) {
            return bios[address + bios.length] & 0xFF;
        }
        if (Integer.compareUnsigned(address, ram.length) < 0) {
            return ram[address] & 0xFF;
        }
        return 0xFF;
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xFF)
                | (b[off + 1] & 0xFF) << 8
                | (b[off + 2] & 0xFF) << 16
                | (b[off + 3] & 0xFF) << 24;
    }

    /** The 80x25 text screen at 0xB8000 as lines of characters. */
    String textScreen() {
        StringBuilder out = new StringBuilder();
        for (int row = 0; row < 25; row++) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < 80; col++) {
                int c = ram[0xB8000 + (row * 80 + col) * 2] & 0xFF;
                line.append(c >= 0x20 && c < 0x7F ? (char) c : ' ');
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    @Override
    public int read8(int address) {
        return byteAt(address);
    }

    @Override
    public int read16(int address) {
        return byteAt(address) | (byteAt(address + 1) << 8);
    }

    @Override
    public int read32(int address) {
        return read16(address) | (read16(address + 2) << 16);
    }

    @Override
    public void write8(int address, int value) {
        if (Integer.compareUnsigned(address, ram.length) < 0) {
            ram[address] = (byte) value;
        }
    }

    @Override
    public void write16(int address, int value) {
        write8(address, value);
        write8(address + 1, value >>> 8);
    }

    @Override
    public void write32(int address, int value) {
        write16(address, value);
        write16(address + 2, value >>> 16);
    }

    @Override
    public int in(int port, int size) {
        switch (port) {
            case 0x71:
                return cmos(cmosIndex);
            case 0xCF8:
                return pciAddress;
            case 0x402:
                return 0xE9; // QEMU debugcon read-back: tells SeaBIOS the console exists
            case 0xCFC, 0xCFD, 0xCFE, 0xCFF:
                {
                    byte[] cfg = pciDevice();
                    int off = (pciAddress & 0xFC) + (port - 0xCFC);
                    if (cfg == null) {
                        return size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1;
                    }
                    int v = 0;
                    for (int i = 0; i < size; i++) {
                        v |= (cfg[(off + i) & 0xFF] & 0xFF) << (8 * i);
                    }
                    return v;
                }
            case 0x61:
                refresh ^= 0x30;
                return refresh;
            default:
                return size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1;
        }
    }

    private int cmos(int index) {
        int extendedKiB = Math.min((ram.length >> 10) - 1024, 0xFFFF);
        int above16M = Math.max(0, (ram.length - (16 << 20)) >> 16);
        return switch (index) {
            case 0x10 -> 0;
            case 0x15 -> 0x80;
            case 0x16 -> 0x02;
            case 0x17, 0x30 -> extendedKiB & 0xFF;
            case 0x18, 0x31 -> extendedKiB >> 8;
            case 0x34 -> above16M & 0xFF;
            case 0x35 -> above16M >> 8;
            case 0x0A -> 0x26;
            case 0x0B -> 0x02;
            case 0x0D -> 0x80;
            default -> 0;
        };
    }

    @Override
    public void out(int port, int size, int value) {
        switch (port) {
            case 0x402 -> debug.append((char) (value & 0xFF));
            case 0x70 -> cmosIndex = value & 0x7F;
            case 0xCF8 -> pciAddress = value;
            case 0xCFC, 0xCFD, 0xCFE, 0xCFF -> {
                byte[] cfg = pciDevice();
                int off = (pciAddress & 0xFC) + (port - 0xCFC);
                if (cfg == pci[2] && (off == 0x10 || off == 0x30) && size == 4) {
                    int barSize = off == 0x10 ? VGA_FB_SIZE : VGA_ROM_SIZE;
                    int flags = off == 0x10 ? 8 : value & 1;
                    int stored = (value & ~(barSize - 1) & ~0xF) | flags;
                    for (int i = 0; i < 4; i++) {
                        cfg[off + i] = (byte) (stored >>> (8 * i));
                    }
                } else if (cfg != null && (off >= 0x40 || off == 4)) {
                    for (int i = 0; i < size; i++) {
                        cfg[(off + i) & 0xFF] = (byte) (value >>> (8 * i));
                    }
                }
            }
            default -> {}
        }
    }

    @Override
    public boolean pending() {
        return timerPending;
    }

    @Override
    public int acknowledge() {
        timerPending = false;
        return 0x08;
    }

    public static void main(String[] args) throws IOException {
        CrudeBiosBoard board =
                new CrudeBiosBoard(Path.of(args[0]), args.length > 2 ? Path.of(args[2]) : null, 32);
        if (args.length > 3) {
            board.timerPeriod = Long.parseLong(args[3]);
        }
        long steps = board.run(Long.parseLong(args.length > 1 ? args[1] : "50000000"));
        System.out.println(board.debug);
        System.out.println(board.textScreen());
        Cpu c = board.cpu;
        System.out.printf(
                "steps=%d halted=%b shutdown=%b failure=%s%nCS:EIP=%04X:%08X EAX=%08X EBX=%08X"
                        + " ECX=%08X EDX=%08X ESP=%08X EBP=%08X ESI=%08X EDI=%08X EFLAGS=%08X"
                        + " CR0=%08X%n",
                steps,
                c.halted(),
                c.shutdownRequested(),
                c.failure(),
                c.cs(),
                c.eip(),
                c.eax(),
                c.ebx(),
                c.ecx(),
                c.edx(),
                c.esp(),
                c.ebp(),
                c.esi(),
                c.edi(),
                c.eflags(),
                c.cr0());
    }
}
