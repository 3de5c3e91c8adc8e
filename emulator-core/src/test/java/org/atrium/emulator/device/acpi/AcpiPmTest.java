package org.atrium.emulator.device.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.atrium.emulator.time.Timer;
import org.atrium.emulator.time.VirtualTime;
import org.junit.jupiter.api.Test;

/** The PM1a and PM timer registers through their I/O offsets (ACPI 6.5, 4.8.3). */
class AcpiPmTest {
    private long nanos;
    private int powerOffs;
    private final AcpiPm pm =
            new AcpiPm(
                    new VirtualTime() {
                        @Override
                        public long nanos() {
                            return nanos;
                        }

                        @Override
                        public Timer timer(Runnable onExpiry) {
                            throw new UnsupportedOperationException("the PM block has no timer");
                        }
                    },
                    () -> powerOffs++);

    @Test
    void sleepTypeS5WithSleepEnablePowersOff() {
        pm.write(4, 2, (1 << 10) | (1 << 13)); // S1: ignored
        assertEquals(0, powerOffs);
        pm.write(4, 2, AcpiPm.S5_SLEEP_TYPE << 10); // S5 without SLP_EN: only stored
        assertEquals(0, powerOffs);
        pm.write(4, 2, (AcpiPm.S5_SLEEP_TYPE << 10) | (1 << 13));
        assertEquals(1, powerOffs);
    }

    @Test
    void controlReadsInAcpiModeAndEnableReadsBack() {
        assertEquals(1, pm.read(4, 2), "SCI_EN");
        pm.write(2, 2, 0x0121); // timer, power button and RTC enables
        assertEquals(0x0121, pm.read(2, 2));
        assertEquals(0x0121 << 16, pm.read(0, 4));
    }

    @Test
    void timerCountsAt3579545HzIn24Bits() {
        nanos = 1_000_000_000L;
        assertEquals(3_579_545, pm.read(8, 4));
        nanos = 10_000_000_000L; // 35795450 ticks wrap at 2^24
        assertEquals(35_795_450 & 0xFFFFFF, pm.read(8, 4));
        assertEquals((35_795_450 >> 16) & 0xFF, pm.read(10, 1));
    }

    @Test
    void snapshotCarriesEnablesAndSleepTypeToAFreshBlock() {
        pm.write(2, 2, 0x0101);
        pm.write(4, 2, 3 << 10);
        AcpiPm copy = new AcpiPm(null, () -> powerOffs++);
        copy.restore(pm.snapshot());
        assertEquals(0x0101, copy.read(2, 2));
        assertEquals((3 << 10) | 1, copy.read(4, 2));
        assertEquals(new AcpiPmState(0, 0x0101, 3 << 10), copy.snapshot());
    }
}
