package org.atrium.emulator.device.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.atrium.emulator.bus.BusDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PciBusTest {
    private final List<String> mappings = new ArrayList<>();
    private final BusDevice framebuffer = new RomImage(new byte[] {1, 2, 3, 4});

    /** The size of vgabios-stdvga.bin, which needs a 64 KiB window. */
    private final RomImage rom = new RomImage(new byte[39936]);

    private final PciBus bus =
            new PciBus(
                    new PciMapper() {
                        @Override
                        public void map(BusDevice target, boolean io, long base, long size) {
                            mappings.add(
                                    name(target)
                                            + (io ? " io " : " mem ")
                                            + Long.toHexString(base)
                                            + "+"
                                            + Long.toHexString(size));
                        }

                        @Override
                        public void unmap(BusDevice target, boolean io) {
                            mappings.add(name(target) + " off");
                        }
                    });
    private final BusDevice address = bus.addressPort();
    private final BusDevice data = bus.dataPort();

    private String name(BusDevice target) {
        return target == framebuffer ? "fb" : target == rom ? "rom" : "io";
    }

    @BeforeEach
    void plug() {
        bus.plug(
                2,
                0,
                new PciFunction(0x1234, 0x1111, 0x02, 0x030000, 0)
                        .subsystem(0x1AF4, 0x1100)
                        .bar(0, PciBar.memory(16 << 20, true, framebuffer))
                        .bar(1, PciBar.io(16, new RomImage(new byte[0])))
                        .rom(rom.windowSize(), rom));
        bus.reset();
    }

    private int read(int device, int register, int size) {
        address.write(0, 4, 0x8000_0000 | (device << 11) | (register & 0xFC));
        return data.read(register & 3, size);
    }

    private void write(int device, int register, int size, int value) {
        address.write(0, 4, 0x8000_0000 | (device << 11) | (register & 0xFC));
        data.write(register & 3, size, value);
    }

    @Test
    void identityThroughMechanismOne() {
        assertEquals(0x1111_1234, read(2, 0x00, 4));
        assertEquals(0x1234, read(2, 0x00, 2));
        assertEquals(0x11, read(2, 0x03, 1));
        assertEquals(0x0300_0002, read(2, 0x08, 4));
        assertEquals(0x1100_1AF4, read(2, 0x2C, 4));
    }

    @Test
    void emptySlotsAndDisabledCyclesReadAllOnes() {
        assertEquals(-1, read(5, 0x00, 4));
        assertEquals(0xFFFF, read(5, 0x00, 2));
        address.write(0, 4, 2 << 11);
        assertEquals(-1, data.read(0, 4));
    }

    @Test
    void addressRegisterReadsBackOnlyAsDword() {
        address.write(0, 4, 0x8000_1234);
        assertEquals(0x8000_1234, address.read(0, 4));
        address.write(0, 1, 0x00);
        assertEquals(0x8000_1234, address.read(0, 4));
    }

    @Test
    void barSizingReturnsSizeMaskAndTypeBits() {
        write(2, 0x10, 4, 0xFFFF_FFFF);
        assertEquals(0xFF00_0008, read(2, 0x10, 4));
        write(2, 0x14, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_FFF1, read(2, 0x14, 4));
        write(2, 0x30, 4, 0xFFFF_FFFE);
        assertEquals(0xFFFF_0000, read(2, 0x30, 4), "64 KiB ROM window, still disabled");
        write(2, 0x18, 4, 0xFFFF_FFFF);
        assertEquals(0, read(2, 0x18, 4), "unimplemented BAR");
    }

    @Test
    void barsAreDecodedOnlyWhileCommandEnablesThem() {
        write(2, 0x10, 4, 0xFD00_0000);
        write(2, 0x14, 4, 0xC000);
        write(2, 0x30, 4, 0xFEB0_0001);
        assertEquals(List.of(), mappings);
        write(2, 0x04, 2, 0x0003);
        assertEquals(
                List.of("fb mem fd000000+1000000", "io io c000+10", "rom mem feb00000+10000"),
                mappings);
        mappings.clear();
        write(2, 0x30, 4, 0xFEB0_0000);
        assertEquals(List.of("rom off"), mappings);
        mappings.clear();
        write(2, 0x04, 2, 0x0000);
        assertEquals(List.of("fb off", "io off"), mappings);
    }

    @Test
    void sizingProbeWhileEnabledDoesNotMapOverTheTopOfMemory() {
        write(2, 0x10, 4, 0xFD00_0000);
        write(2, 0x04, 2, 0x0002);
        mappings.clear();
        write(2, 0x10, 4, 0xFFFF_FFFF);
        assertEquals(List.of("fb off"), mappings);
    }

    @Test
    void readOnlyRegistersIgnoreWrites() {
        write(2, 0x00, 4, 0);
        write(2, 0x08, 4, 0);
        assertEquals(0x1111_1234, read(2, 0x00, 4));
        assertEquals(0x0300_0002, read(2, 0x08, 4));
        write(2, 0x3C, 1, 0x0B);
        assertEquals(0x0B, read(2, 0x3C, 1));
    }
}
