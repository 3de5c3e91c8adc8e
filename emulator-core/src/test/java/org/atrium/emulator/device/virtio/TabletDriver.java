package org.atrium.emulator.device.virtio;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.bus.PhysicalMemory;
import org.atrium.emulator.device.pci.PciBus;
import org.atrium.emulator.device.pci.PciMapper;

/**
 * A test stand-in for Linux's virtio_pci and virtio_input drivers: guest RAM as a byte array, and
 * the register sequence the drivers write (virtio 1.2 section 3.1.1), with split rings laid out in
 * that RAM. The rings sit at fixed addresses so tests can corrupt them on purpose.
 */
public final class TabletDriver {
    static final int RAM_BYTES = 1 << 20;
    static final int QUEUE_SIZE = 16;
    static final long EVENT_DESC = 0x10000, EVENT_AVAIL = 0x11000, EVENT_USED = 0x12000;
    static final long STATUS_DESC = 0x20000, STATUS_AVAIL = 0x21000, STATUS_USED = 0x22000;
    static final long BUFFERS = 0x30000;

    final Ram ram = new Ram();
    boolean line;
    public final VirtioTablet tablet;
    final BusDevice bar;

    public TabletDriver() {
        tablet =
                new VirtioTablet(
                        ram,
                        RAM_BYTES,
                        new org.atrium.emulator.device.InterruptLine() {
                            @Override
                            public void raise() {
                                line = true;
                            }

                            @Override
                            public void lower() {
                                line = false;
                            }
                        });
        bar = tablet.registers();
        // Plugged as on a board: the bus gives the function its power-on values for a reset.
        new PciBus(
                        new PciMapper() {
                            @Override
                            public void map(BusDevice target, boolean io, long base, long size) {}

                            @Override
                            public void unmap(BusDevice target, boolean io) {}
                        })
                .plug(3, 0, tablet.function());
    }

    /** Guest RAM: little-endian bytes, nothing else mapped. */
    static final class Ram implements PhysicalMemory {
        final byte[] bytes = new byte[RAM_BYTES];

        @Override
        public int read8(int address) {
            return bytes[address] & 0xFF;
        }

        @Override
        public int read16(int address) {
            return read8(address) | read8(address + 1) << 8;
        }

        @Override
        public int read32(int address) {
            return read16(address) | read16(address + 2) << 16;
        }

        @Override
        public void write8(int address, int value) {
            bytes[address] = (byte) value;
        }

        @Override
        public void write16(int address, int value) {
            write8(address, value);
            write8(address + 1, value >> 8);
        }

        @Override
        public void write32(int address, int value) {
            write16(address, value);
            write16(address + 2, value >> 16);
        }
    }

    int common(int offset, int size) {
        return bar.read(VirtioTablet.COMMON + offset, size);
    }

    void common(int offset, int size, int value) {
        bar.write(VirtioTablet.COMMON + offset, size, value);
    }

    public int status() {
        return common(0x14, 1);
    }

    /** Bus master on, then reset, ACKNOWLEDGE, DRIVER and FEATURES_OK with VERSION_1 only. */
    void negotiate() {
        tablet.function().writeConfig(0x04, 2, 0x06);
        common(0x14, 1, 0);
        common(0x14, 1, VirtioTablet.ACKNOWLEDGE);
        common(0x14, 1, VirtioTablet.ACKNOWLEDGE | VirtioTablet.DRIVER);
        common(0x08, 4, 0);
        common(0x0C, 4, 0);
        common(0x08, 4, 1);
        common(0x0C, 4, 1);
        common(0x14, 1, VirtioTablet.ACKNOWLEDGE | VirtioTablet.DRIVER | 8);
    }

    void setUpQueue(int index, long desc, long avail, long used) {
        common(0x16, 2, index);
        common(0x18, 2, QUEUE_SIZE);
        common(0x20, 4, (int) desc);
        common(0x24, 4, 0);
        common(0x28, 4, (int) avail);
        common(0x2C, 4, 0);
        common(0x30, 4, (int) used);
        common(0x34, 4, 0);
        common(0x1C, 2, 1);
    }

    /** The whole bring-up with {@code buffers} 8-byte event buffers posted. */
    public TabletDriver start(int buffers) {
        negotiate();
        setUpQueue(0, EVENT_DESC, EVENT_AVAIL, EVENT_USED);
        setUpQueue(1, STATUS_DESC, STATUS_AVAIL, STATUS_USED);
        post(buffers);
        common(0x14, 1, VirtioTablet.ACKNOWLEDGE | VirtioTablet.DRIVER | 8 | 4);
        return this;
    }

    private int posted;

    /** Puts {@code count} more device-writable 8-byte buffers on the event queue. */
    public void post(int count) {
        for (int i = 0; i < count; i++) {
            int slot = posted % QUEUE_SIZE;
            long d = EVENT_DESC + 16L * slot;
            ram.write32((int) d, (int) (BUFFERS + 8L * slot));
            ram.write32((int) d + 4, 0);
            ram.write32((int) d + 8, 8);
            ram.write16((int) d + 12, 2);
            ram.write16((int) d + 14, 0);
            ram.write16((int) (EVENT_AVAIL + 4 + 2 * slot), slot);
            posted++;
            ram.write16((int) EVENT_AVAIL + 2, posted);
        }
    }

    public void notifyQueue(int index) {
        bar.write(VirtioTablet.NOTIFY + index * VirtioTablet.NOTIFY_MULTIPLIER, 2, index);
    }

    public int usedIndex() {
        return ram.read16((int) EVENT_USED + 2);
    }

    /** Event {@code n} (0-based, in used-ring order) as {type, code, value}. */
    public int[] event(int n) {
        long element = EVENT_USED + 4 + 8L * (n % QUEUE_SIZE);
        int id = ram.read32((int) element);
        int length = ram.read32((int) element + 4);
        if (length != 8) {
            throw new AssertionError("used length " + length);
        }
        int at = (int) (BUFFERS + 8L * id);
        return new int[] {ram.read16(at), ram.read16(at + 2), ram.read32(at + 4)};
    }

    public int readIsr() {
        return bar.read(VirtioTablet.ISR, 1);
    }

    /** Selects a virtio-input configuration item; returns its size byte. */
    public int select(int select, int subsel) {
        bar.write(VirtioTablet.DEVICE, 1, select);
        bar.write(VirtioTablet.DEVICE + 1, 1, subsel);
        return bar.read(VirtioTablet.DEVICE + 2, 1);
    }

    int configByte(int index) {
        return bar.read(VirtioTablet.DEVICE + 8 + index, 1);
    }
}
