package org.atrium.emulator.device.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.atrium.emulator.device.pci.PciFunction;
import org.junit.jupiter.api.Test;

class VirtioTabletTest {
    private static final int[] SYN = {0, 0, 0};

    @Test
    void pciIdentityAndCapabilitiesAreWhatLinuxLooksFor() {
        PciFunction f = new TabletDriver().tablet.function();
        assertEquals(0x1AF4, f.readConfig(0x00, 2));
        assertEquals(0x1052, f.readConfig(0x02, 2));
        assertEquals(0x10, f.readConfig(0x06, 2) & 0x10, "capabilities list in status");
        Map<Integer, int[]> caps = new HashMap<>();
        for (int at = f.readConfig(0x34, 1); at != 0; at = f.readConfig(at + 1, 1)) {
            assertEquals(0x09, f.readConfig(at, 1), "vendor-specific capability");
            caps.put(
                    f.readConfig(at + 3, 1),
                    new int[] {
                        f.readConfig(at + 4, 1), f.readConfig(at + 8, 4), f.readConfig(at + 12, 4)
                    });
            if (f.readConfig(at + 3, 1) == 2) {
                assertEquals(4, f.readConfig(at + 16, 4), "notify_off_multiplier");
            }
        }
        assertArrayEquals(new int[] {0, 0x0000, 0x38}, caps.get(1), "common");
        assertArrayEquals(new int[] {0, 0x3000, 8}, caps.get(2), "notify");
        assertArrayEquals(new int[] {0, 0x1000, 1}, caps.get(3), "ISR");
        assertArrayEquals(new int[] {0, 0x2000, 0x88}, caps.get(4), "device");
        // BAR 0 sizes to 16 KiB of 32-bit memory.
        f.writeConfig(0x10, 4, 0xFFFF_FFFF);
        assertEquals(0xFFFF_C000, f.readConfig(0x10, 4));
    }

    @Test
    void featuresOfferVersionOneAndRefuseAnythingElse() {
        TabletDriver d = new TabletDriver();
        d.common(0x00, 4, 0);
        assertEquals(0, d.common(0x04, 4));
        d.common(0x00, 4, 1);
        assertEquals(1, d.common(0x04, 4), "VIRTIO_F_VERSION_1 is bit 32");
        d.negotiate();
        assertEquals(8, d.status() & 8, "FEATURES_OK stays");

        TabletDriver legacy = new TabletDriver();
        legacy.tablet.function().writeConfig(0x04, 2, 0x06);
        legacy.common(0x14, 1, 3);
        legacy.common(0x14, 1, 3 | 8);
        assertEquals(0, legacy.status() & 8, "no VERSION_1, no FEATURES_OK");
    }

    @Test
    void configurationDescribesAnAbsoluteTabletWithThreeButtons() {
        TabletDriver d = new TabletDriver();
        int size = d.select(0x01, 0);
        byte[] name = new byte[size];
        for (int i = 0; i < size; i++) {
            name[i] = (byte) d.configByte(i);
        }
        assertEquals("Atrium Virtio Tablet", new String(name, StandardCharsets.US_ASCII));
        assertEquals(1, d.select(0x11, 3));
        assertEquals(0x03, d.configByte(0), "ABS_X and ABS_Y");
        assertEquals(0x112 / 8 + 1, d.select(0x11, 1));
        assertEquals(0x07, d.configByte(0x110 / 8), "BTN_LEFT, BTN_RIGHT, BTN_MIDDLE");
        assertEquals(20, d.select(0x12, 1));
        assertEquals(32767, d.configByte(4) | d.configByte(5) << 8, "ABS_Y maximum");
        assertEquals(0, d.select(0x12, 2), "no third axis");
        assertEquals(0, d.select(0x11, 5), "no switches");
    }

    @Test
    void aClickBecomesAbsoluteAxesAKeyAndASyncWithAnInterrupt() {
        TabletDriver d = new TabletDriver().start(8);
        assertTrue(d.tablet.driverReady());
        d.tablet.pointer(16384, 100, 1);
        assertEquals(4, d.usedIndex());
        assertArrayEquals(new int[] {3, 0, 16384}, d.event(0));
        assertArrayEquals(new int[] {3, 1, 100}, d.event(1));
        assertArrayEquals(new int[] {1, 0x110, 1}, d.event(2));
        assertArrayEquals(SYN, d.event(3));
        assertTrue(d.line, "INTx raised");
        assertEquals(1, d.readIsr(), "queue interrupt");
        assertFalse(d.line, "reading the ISR drops the line");
        assertEquals(0, d.readIsr());

        d.tablet.pointer(16384, 100, 0);
        assertEquals(6, d.usedIndex(), "only the release and a sync");
        assertArrayEquals(new int[] {1, 0x110, 0}, d.event(4));
        d.tablet.pointer(16384, 100, 0);
        assertEquals(6, d.usedIndex(), "no change, no events");
    }

    @Test
    void eventsWaitForBuffersAndLeaveWhenTheDriverPostsThem() {
        TabletDriver d = new TabletDriver().start(2);
        d.tablet.pointer(10, 20, 4);
        assertEquals(2, d.usedIndex());
        d.post(8);
        assertEquals(2, d.usedIndex(), "nothing moves before the notification");
        d.notifyQueue(0);
        assertEquals(4, d.usedIndex());
        assertArrayEquals(new int[] {1, 0x111, 1}, d.event(2), "right button");
        assertArrayEquals(SYN, d.event(3));
    }

    @Test
    void theWheelSendsOneNotchPerPress() {
        TabletDriver d = new TabletDriver().start(16);
        d.tablet.pointer(0, 0, 0);
        int before = d.usedIndex();
        d.tablet.pointer(0, 0, 8);
        d.tablet.pointer(0, 0, 0);
        d.tablet.pointer(0, 0, 16);
        assertEquals(before + 4, d.usedIndex());
        assertArrayEquals(new int[] {2, 8, 1}, d.event(before));
        assertArrayEquals(new int[] {2, 8, -1}, d.event(before + 2));
    }

    @Test
    void nothingIsReportedBeforeDriverOkOrWithoutBusMaster() {
        TabletDriver d = new TabletDriver();
        d.negotiate();
        d.setUpQueue(0, TabletDriver.EVENT_DESC, TabletDriver.EVENT_AVAIL, TabletDriver.EVENT_USED);
        d.post(4);
        assertFalse(d.tablet.driverReady());
        d.tablet.pointer(5, 5, 1);
        assertEquals(0, d.usedIndex());

        TabletDriver noMaster = new TabletDriver().start(4);
        noMaster.tablet.function().writeConfig(0x04, 2, 0x02);
        noMaster.tablet.pointer(5, 5, 1);
        assertEquals(0, noMaster.usedIndex(), "no DMA without bus mastering");
    }

    @Test
    void aBufferOutsideRamNeedsAResetAndTouchesNothing() {
        TabletDriver d = new TabletDriver().start(4);
        d.ram.write32((int) TabletDriver.EVENT_DESC, 0xFFFF_FFF8);
        d.tablet.pointer(1, 1, 0);
        assertEquals(0x40, d.status() & 0x40, "DEVICE_NEEDS_RESET");
        assertFalse(d.tablet.driverReady());
        assertEquals(2, d.readIsr(), "configuration interrupt");
        d.tablet.pointer(2, 2, 0);
        assertEquals(0, d.usedIndex());
        // A reset brings it back.
        d.start(4);
        assertEquals(0, d.status() & 0x40);
    }

    @Test
    void aDescriptorLoopIsCaught() {
        TabletDriver d = new TabletDriver().start(1);
        int desc = (int) TabletDriver.EVENT_DESC;
        // Descriptor 0 is read-only and chains to itself: no writable byte, no end.
        d.ram.write16(desc + 12, 1);
        d.ram.write16(desc + 14, 0);
        d.tablet.pointer(1, 1, 0);
        assertEquals(0x40, d.status() & 0x40);
    }

    @Test
    void badIndexesAndSizesAreRefused() {
        TabletDriver runAway = new TabletDriver().start(1);
        runAway.ram.write16((int) TabletDriver.EVENT_AVAIL + 2, 500);
        runAway.tablet.pointer(1, 1, 0);
        assertEquals(0x40, runAway.status() & 0x40, "available index far ahead");

        TabletDriver badHead = new TabletDriver().start(1);
        badHead.ram.write16((int) TabletDriver.EVENT_AVAIL + 4, 999);
        badHead.tablet.pointer(1, 1, 0);
        assertEquals(0x40, badHead.status() & 0x40, "head outside the table");

        TabletDriver oddSize = new TabletDriver();
        oddSize.negotiate();
        oddSize.common(0x16, 2, 0);
        oddSize.common(0x18, 2, 3);
        oddSize.common(0x1C, 2, 1);
        assertEquals(0, oddSize.common(0x1C, 2), "a size of 3 does not enable");
        assertEquals(0x40, oddSize.status() & 0x40);

        TabletDriver ringOutside = new TabletDriver();
        ringOutside.negotiate();
        ringOutside.setUpQueue(0, 0x7FFF_FFF0L, 0x7FFF_FFF0L, 0x7FFF_FFF0L);
        ringOutside.common(0x14, 1, 15);
        ringOutside.tablet.pointer(1, 1, 0);
        assertEquals(0x40, ringOutside.status() & 0x40, "rings outside RAM");
    }

    @Test
    void aStalledDriverCannotMakeTheQueueGrow() {
        TabletDriver d = new TabletDriver().start(0);
        for (int i = 0; i < 10_000; i++) {
            d.tablet.pointer(i % 1000, i % 700, i & 1);
        }
        assertTrue(
                d.tablet.snapshot().pendingEvents().length <= VirtioTablet.MAX_PENDING, "bounded");
        d.post(16);
        d.notifyQueue(0);
        assertEquals(16, d.usedIndex());
    }

    @Test
    void statusQueueBuffersAreReturned() {
        TabletDriver d = new TabletDriver().start(0);
        int desc = (int) TabletDriver.STATUS_DESC;
        d.ram.write32(desc, 0x40000);
        d.ram.write32(desc + 8, 8);
        d.ram.write16((int) TabletDriver.STATUS_AVAIL + 4, 0);
        d.ram.write16((int) TabletDriver.STATUS_AVAIL + 2, 1);
        d.notifyQueue(1);
        assertEquals(1, d.ram.read16((int) TabletDriver.STATUS_USED + 2));
        assertEquals(0, d.ram.read32((int) TabletDriver.STATUS_USED + 8), "nothing written");
    }
}
