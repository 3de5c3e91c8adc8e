package org.atrium.emulator.device.pic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.atrium.emulator.bus.BusDevice;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CascadedPicsTest {
    private final CascadedPics pics = new CascadedPics(2);
    private final BusDevice master = pics.masterPorts();
    private final BusDevice slave = pics.slavePorts();

    /** The initialisation sequence of the PC BIOS: vectors 0x08 and 0x70, cascade on IR2. */
    @BeforeEach
    void initialise() {
        master.write(0, 1, 0x11);
        master.write(1, 1, 0x08);
        master.write(1, 1, 0x04);
        master.write(1, 1, 0x01);
        slave.write(0, 1, 0x11);
        slave.write(1, 1, 0x70);
        slave.write(1, 1, 0x02);
        slave.write(1, 1, 0x01);
        master.write(1, 1, 0x00);
        slave.write(1, 1, 0x00);
    }

    private void eoi(BusDevice chip) {
        chip.write(0, 1, 0x20);
    }

    @Test
    void nothingPendingAfterInitialisation() {
        assertFalse(pics.pending());
    }

    @Test
    void lowerIrqNumberWinsAndBlocksLowerPriorityUntilEoi() {
        pics.line(3).raise();
        pics.line(1).raise();
        assertTrue(pics.pending());
        assertEquals(0x09, pics.acknowledge());
        // IRQ3 has lower priority than IRQ1 in service: it waits for the EOI.
        assertFalse(pics.pending());
        eoi(master);
        assertTrue(pics.pending());
        assertEquals(0x0B, pics.acknowledge());
    }

    @Test
    void higherPriorityInterruptsNestOverInService() {
        pics.line(5).raise();
        assertEquals(0x0D, pics.acknowledge());
        pics.line(0).raise();
        assertTrue(pics.pending());
        assertEquals(0x08, pics.acknowledge());
    }

    @Test
    void slaveRequestArrivesThroughCascadeWithSlaveVector() {
        pics.line(8).raise();
        assertTrue(pics.pending());
        assertEquals(0x70, pics.acknowledge());
        // Both chips hold it in service until both get an EOI.
        slave.write(0, 1, 0x0B);
        assertEquals(0x01, slave.read(0, 1));
        master.write(0, 1, 0x0B);
        assertEquals(0x04, master.read(0, 1));
        pics.line(8).lower();
        pics.line(12).raise();
        assertFalse(pics.pending(), "IR2 still in service on the master");
        eoi(slave);
        eoi(master);
        assertEquals(0x74, pics.acknowledge());
    }

    @Test
    void maskedLinesDoNotInterruptAndIrrStillRecordsThem() {
        master.write(1, 1, 0x01);
        pics.line(0).raise();
        assertFalse(pics.pending());
        master.write(0, 1, 0x0A); // OCW3: read IRR
        assertEquals(0x01, master.read(0, 1) & 0x01);
        master.write(1, 1, 0x00);
        assertTrue(pics.pending());
    }

    @Test
    void edgeTriggeredNeedsANewRisingEdge() {
        pics.line(4).raise();
        assertEquals(0x0C, pics.acknowledge());
        eoi(master);
        assertFalse(pics.pending(), "line still high, but no new edge");
        pics.line(4).lower();
        pics.line(4).raise();
        assertTrue(pics.pending());
    }

    @Test
    void levelTriggeredViaElcrStaysPendingWhileHigh() {
        pics.elcrPorts().write(1, 1, 0x08); // IRQ11 level-triggered
        pics.line(11).raise();
        assertEquals(0x73, pics.acknowledge());
        eoi(slave);
        eoi(master);
        assertTrue(pics.pending(), "level still asserted");
        assertEquals(0x73, pics.acknowledge());
        // The driver quiets the device before its EOI; then nothing is left pending.
        pics.line(11).lower();
        eoi(slave);
        eoi(master);
        assertFalse(pics.pending());
        assertEquals(0x08, pics.elcrPorts().read(1, 1));
    }

    @Test
    void elcrIgnoresEdgeOnlyInputs() {
        pics.elcrPorts().write(0, 1, 0xFF);
        assertEquals(0xF8, pics.elcrPorts().read(0, 1));
    }

    @Test
    void spuriousVectorWhenRequestVanishes() {
        assertEquals(0x0F, pics.acknowledge());
    }

    @Test
    void specificEoiClearsOnlyThatLevel() {
        pics.line(3).raise();
        assertEquals(0x0B, pics.acknowledge());
        pics.line(1).raise();
        assertEquals(0x09, pics.acknowledge());
        master.write(0, 1, 0x63); // specific EOI for IRQ3
        master.write(0, 1, 0x0B);
        assertEquals(0x02, master.read(0, 1));
    }

    @Test
    void rotateOnNonSpecificEoiMakesServicedLineLowestPriority() {
        pics.line(0).raise();
        assertEquals(0x08, pics.acknowledge());
        master.write(0, 1, 0xA0); // rotate on non-specific EOI
        pics.line(0).lower();
        pics.line(0).raise();
        pics.line(6).raise();
        assertEquals(0x0E, pics.acknowledge(), "IRQ0 is now lowest priority");
    }

    @Test
    void autoEoiLeavesNothingInService() {
        master.write(0, 1, 0x11);
        master.write(1, 1, 0x08);
        master.write(1, 1, 0x04);
        master.write(1, 1, 0x03); // ICW4: 8086 mode, auto EOI
        pics.line(1).raise();
        assertEquals(0x09, pics.acknowledge());
        master.write(0, 1, 0x0B);
        assertEquals(0, master.read(0, 1));
    }

    @Test
    void specialMaskModeAllowsLowerPriorityWhileMaskedLineInService() {
        pics.line(1).raise();
        assertEquals(0x09, pics.acknowledge());
        master.write(1, 1, 0x02); // mask IRQ1
        master.write(0, 1, 0x68); // OCW3: set special mask
        pics.line(5).raise();
        assertTrue(pics.pending());
        assertEquals(0x0D, pics.acknowledge());
    }

    @Test
    void pollCommandReturnsAndAcknowledgesHighestRequest() {
        pics.line(6).raise();
        master.write(0, 1, 0x0C); // OCW3: poll
        assertEquals(0x86, master.read(0, 1));
        master.write(0, 1, 0x0B);
        assertEquals(0x40, master.read(0, 1));
    }

    @Test
    void reinitialisationNeedsAFreshEdgeFromALineAlreadyHigh() {
        pics.line(0).raise();
        assertEquals(0x08, pics.acknowledge());
        eoi(master);
        master.write(0, 1, 0x11);
        master.write(1, 1, 0x20);
        master.write(1, 1, 0x04);
        master.write(1, 1, 0x01);
        pics.line(0).raise();
        assertFalse(pics.pending(), "ICW1 reset the edge sense: a high line is not a request");
        pics.line(0).lower();
        pics.line(0).raise();
        assertEquals(0x20, pics.acknowledge(), "new base vector from ICW2");
    }

    @Test
    void snapshotRestoresPendingAndInServiceInterruptsIntoAFreshPair() {
        master.write(1, 1, 0x02);
        pics.line(3).raise();
        assertEquals(0x0B, pics.acknowledge());
        pics.line(0).raise();
        pics.line(10).raise();
        CascadedPicsState state = pics.snapshot();

        CascadedPics copy = new CascadedPics(2);
        copy.restore(state);
        assertEquals(state, copy.snapshot());
        assertEquals(0x02, copy.masterPorts().read(1, 1));
        assertEquals(0x08, copy.acknowledge());
        copy.masterPorts().write(0, 1, 0x20);
        assertEquals(0x72, copy.acknowledge(), "IRQ10 through the cascade, above IRQ3 in service");
    }

    @Test
    void snapshotRecordsRefuseImpossibleRegisters() {
        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () ->
                        new I8259State(
                                0x100, 0, 0, 0, 7, 8, 0, false, false, 0, false, false, false,
                                false, false, false, 0));
    }

    @Test
    void imrReadsBack() {
        master.write(1, 1, 0xB8);
        assertEquals(0xB8, master.read(1, 1));
    }
}
