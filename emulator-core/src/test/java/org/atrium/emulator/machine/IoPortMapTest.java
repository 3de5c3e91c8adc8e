package org.atrium.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.atrium.emulator.bus.BusDevice;
import org.junit.jupiter.api.Test;

class IoPortMapTest {
    /** Answers a read with its offset times 0x01010101 and records every access. */
    private static final class Recorder implements BusDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public int read(int offset, int size) {
            log.add("r" + offset + "/" + size);
            return offset * 0x01010101;
        }

        @Override
        public void write(int offset, int size, int value) {
            log.add("w" + offset + "/" + size + "=" + Integer.toHexString(value));
        }
    }

    @Test
    void anUnclaimedPortReadsAllOnesAndIgnoresWrites() {
        IoPortMap ports = new IoPortMap();
        assertEquals(0xFF, ports.in(0x80, 1));
        assertEquals(0xFFFF, ports.in(0xFFFF, 2));
        assertEquals(-1, ports.in(0x1234, 4));
        ports.out(0x1234, 4, 7);
        assertEquals(4, ports.accesses());
    }

    @Test
    void aDeviceSeesOffsetsInItsWindowAcrossAPageBoundary() {
        IoPortMap ports = new IoPortMap();
        Recorder device = new Recorder();
        // 0x1FE-0x201: the end of one page of ports and the start of the next.
        ports.map(0x1FE, 4, device);
        assertEquals(0x03, ports.in(0x201, 1));
        assertEquals(0x0202, ports.in(0x200, 2));
        ports.out(0x1FF, 4, 0x12345678);
        ports.out(0x1FE, 1, 0x1AB);
        assertEquals(List.of("r3/1", "r2/2", "w1/4=12345678", "w0/1=ab"), device.log);
        assertEquals(0xFF, ports.in(0x202, 1), "the port after the window");
        assertEquals(0xFF, ports.in(0x1FD, 1), "the port before it");
    }

    @Test
    void aLaterClaimReplacesAndUnmapReleasesOnlyTheHoldersPorts() {
        IoPortMap ports = new IoPortMap();
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        ports.map(0x3F8, 8, first);
        ports.map(0x3FC, 4, second);
        ports.in(0x3FD, 1);
        assertEquals(List.of("r1/1"), second.log, "the second claim's own offsets");
        ports.unmap(0x3F8, 8, first);
        assertEquals(0xFF, ports.in(0x3F9, 1), "released");
        assertEquals(0x02, ports.in(0x3FE, 1), "still the second device's");
        assertEquals(List.of(), first.log);
    }

    @Test
    void aClaimOutsideThePortSpaceIsRefused() {
        IoPortMap ports = new IoPortMap();
        Recorder device = new Recorder();
        assertThrows(IllegalArgumentException.class, () -> ports.map(0xFFFE, 4, device));
        assertThrows(IllegalArgumentException.class, () -> ports.map(-1, 2, device));
        assertThrows(IllegalArgumentException.class, () -> ports.map(0x10, 0, device));
    }
}
