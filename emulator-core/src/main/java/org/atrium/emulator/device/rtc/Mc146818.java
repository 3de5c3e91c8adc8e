package org.atrium.emulator.device.rtc;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.InterruptLine;
import org.atrium.emulator.snapshot.Snapshottable;
import org.atrium.emulator.time.Timer;
import org.atrium.emulator.time.VirtualTime;

/**
 * Motorola MC146818A real-time clock with its 128 bytes of CMOS RAM, as on the PC/AT (index port at
 * offset 0, whose bit 7 is the NMI mask of the PC; data port at offset 1). Time and date (registers
 * 0x00-0x09 and the IBM century byte 0x32) in BCD or binary, 12 or 24 hour; register A (UIP, rate
 * select), B (SET, PIE, AIE, UIE, DM, 24/12), C (IRQF, PF, AF, UF; cleared by reading, which also
 * releases the IRQ output) and D (VRT). Periodic, alarm and update-ended interrupts are scheduled
 * on the virtual clock only while enabled. Time starts from the host time given at power-on and
 * runs with virtual time.
 *
 * <p>Left out: daylight-saving adjustment (DSE), the square-wave output pin, the divider-chain
 * reset of register A's DV bits, and PF when periodic interrupts are disabled (nothing polls it).
 */
public final class Mc146818 implements BusDevice, Snapshottable<Mc146818State> {
    public static final int SECONDS = 0x00;
    public static final int SECONDS_ALARM = 0x01;
    public static final int MINUTES = 0x02;
    public static final int MINUTES_ALARM = 0x03;
    public static final int HOURS = 0x04;
    public static final int HOURS_ALARM = 0x05;
    public static final int DAY_OF_WEEK = 0x06;
    public static final int DAY_OF_MONTH = 0x07;
    public static final int MONTH = 0x08;
    public static final int YEAR = 0x09;
    public static final int REGISTER_A = 0x0A;
    public static final int REGISTER_B = 0x0B;
    public static final int REGISTER_C = 0x0C;
    public static final int REGISTER_D = 0x0D;
    public static final int CENTURY = 0x32;

    private static final int A_UIP = 0x80;
    private static final int B_SET = 0x80;
    private static final int B_PIE = 0x40;
    private static final int B_AIE = 0x20;
    private static final int B_UIE = 0x10;
    private static final int B_BINARY = 0x04;
    private static final int B_24HOUR = 0x02;
    private static final int C_IRQF = 0x80;
    private static final int C_PF = 0x40;
    private static final int C_AF = 0x20;
    private static final int C_UF = 0x10;
    private static final long SECOND = 1_000_000_000L;

    /** The update cycle takes 244 µs at the end of each second, with UIP set. */
    private static final long UPDATE_NANOS = 244_000;

    private final VirtualTime time;
    private final InterruptLine irq;
    private final byte[] cmos = new byte[128];
    private final Timer periodic;
    private final Timer update;
    private int index;
    private boolean nmiDisabled;

    /** Guest time in seconds since 1970 at virtual time {@link #baseNanos}. */
    private long baseSeconds;

    private long baseNanos;

    /** The second whose update-ended flag has been raised. */
    private long lastUpdatedSecond;

    private long nextPeriodic;

    /**
     * @param epochMillis the date and time (UTC) the clock shows at virtual time zero
     */
    public Mc146818(VirtualTime time, InterruptLine irq, long epochMillis) {
        this.time = time;
        this.irq = irq;
        this.periodic = time.timer(this::periodicTick);
        this.update = time.timer(this::secondTick);
        this.baseSeconds = Math.floorDiv(epochMillis, 1000);
        this.baseNanos = time.nanos() - Math.floorMod(epochMillis, 1000) * 1_000_000L;
        cmos[REGISTER_A] = 0x26;
        cmos[REGISTER_B] = B_24HOUR;
        cmos[REGISTER_D] = (byte) 0x80;
        lastUpdatedSecond = currentSecond();
    }

    /** The RESET pin: interrupts disabled and flags cleared; time and CMOS RAM are kept. */
    public void reset() {
        cmos[REGISTER_B] &= ~(B_PIE | B_AIE | B_UIE | 0x08);
        cmos[REGISTER_C] = 0;
        irq.lower();
        rearm();
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "rtc-mc146818";
    }

    @Override
    public Class<Mc146818State> stateType() {
        return Mc146818State.class;
    }

    @Override
    public Mc146818State snapshot() {
        if (!stopped()) {
            storeTime(currentSecond());
        }
        return new Mc146818State(
                cmos, index, nmiDisabled, baseSeconds, baseNanos, lastUpdatedSecond, nextPeriodic);
    }

    /** Loads a snapshot (checked by its record) taken on the same virtual clock. */
    @Override
    public void restore(Mc146818State state) {
        System.arraycopy(state.ram(), 0, cmos, 0, 128);
        index = state.index();
        nmiDisabled = state.nmiDisabled();
        baseSeconds = state.guestSeconds();
        baseNanos = state.secondStartNanos();
        lastUpdatedSecond = state.lastUpdatedSecond();
        periodic.cancel();
        update.cancel();
        if ((cmos[REGISTER_B] & B_PIE) != 0 && periodNanos() != 0) {
            nextPeriodic = Math.max(state.nextPeriodicNanos(), time.nanos());
            periodic.arm(nextPeriodic);
        }
        rearm();
        irq.set((cmos[REGISTER_C] & C_IRQF) != 0);
    }

    /** Whether the guest masked NMI through bit 7 of the index port. */
    public boolean nmiDisabled() {
        return nmiDisabled;
    }

    /**
     * Sets a CMOS RAM byte as firmware of the board left it (memory size, equipment, boot order).
     */
    public void setCmos(int address, int value) {
        if (address < 0x0E || address > 0x7F || address == CENTURY) {
            throw new IllegalArgumentException("not a CMOS RAM byte: " + address);
        }
        cmos[address] = (byte) value;
    }

    public int cmos(int address) {
        return cmos[address & 0x7F] & 0xFF;
    }

    @Override
    public int read(int offset, int size) {
        if ((offset & 1) == 0) {
            return 0xFF;
        }
        return readRegister(index);
    }

    @Override
    public void write(int offset, int size, int value) {
        if ((offset & 1) == 0) {
            index = value & 0x7F;
            nmiDisabled = (value & 0x80) != 0;
        } else {
            writeRegister(index, value & 0xFF);
        }
    }

    private boolean stopped() {
        return (cmos[REGISTER_B] & B_SET) != 0;
    }

    private long currentSecond() {
        return baseSeconds + Math.floorDiv(time.nanos() - baseNanos, SECOND);
    }

    private int readRegister(int r) {
        switch (r) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> {
                if (!stopped()) {
                    storeTime(currentSecond());
                }
                return cmos[r] & 0xFF;
            }
            case REGISTER_A -> {
                long fraction = Math.floorMod(time.nanos() - baseNanos, SECOND);
                boolean updating = !stopped() && fraction >= SECOND - UPDATE_NANOS;
                return (cmos[REGISTER_A] & 0x7F) | (updating ? A_UIP : 0);
            }
            case REGISTER_C -> {
                // Update-ended is also flagged for guests that poll without enabling its interrupt.
                long second = currentSecond();
                if (!stopped() && second != lastUpdatedSecond) {
                    lastUpdatedSecond = second;
                    cmos[REGISTER_C] |= C_UF;
                }
                int value = cmos[REGISTER_C] & 0xFF;
                cmos[REGISTER_C] = 0;
                irq.lower();
                return value;
            }
            default -> {
                return cmos[r] & 0xFF;
            }
        }
    }

    private void writeRegister(int r, int value) {
        switch (r) {
            case SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY -> {
                if (!stopped()) {
                    storeTime(currentSecond());
                }
                cmos[r] = (byte) value;
                if (!stopped()) {
                    restartFromRegisters();
                }
            }
            case REGISTER_A -> {
                cmos[REGISTER_A] = (byte) (value & 0x7F);
                rearm();
            }
            case REGISTER_B -> {
                boolean wasStopped = stopped();
                if (!wasStopped && (value & B_SET) != 0) {
                    storeTime(currentSecond());
                }
                if (!wasStopped && ((value ^ cmos[REGISTER_B]) & (B_BINARY | B_24HOUR)) != 0) {
                    // A mode change while running shows the current time in the new format.
                    cmos[REGISTER_B] = (byte) ((cmos[REGISTER_B] & B_SET) | (value & ~B_SET));
                    storeTime(currentSecond());
                }
                cmos[REGISTER_B] = (byte) value;
                if ((value & B_SET) != 0) {
                    // SET also clears UIE, as the datasheet says.
                    cmos[REGISTER_B] &= ~B_UIE;
                } else if (wasStopped) {
                    restartFromRegisters();
                }
                rearm();
            }
            case REGISTER_C, REGISTER_D -> {
                // Read-only.
            }
            default -> cmos[r] = (byte) value;
        }
    }

    /** Starts counting from the time in the registers, at the start of a second. */
    private void restartFromRegisters() {
        try {
            baseSeconds = registersToSeconds();
        } catch (java.time.DateTimeException e) {
            // An invalid date written by the guest keeps the clock where it was.
            return;
        }
        baseNanos = time.nanos();
        lastUpdatedSecond = baseSeconds;
        rearm();
    }

    private void storeTime(long seconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        cmos[SECONDS] = encode(t.getSecond());
        cmos[MINUTES] = encode(t.getMinute());
        int hour = t.getHour();
        if ((cmos[REGISTER_B] & B_24HOUR) != 0) {
            cmos[HOURS] = encode(hour);
        } else {
            int h12 = hour % 12 == 0 ? 12 : hour % 12;
            cmos[HOURS] = (byte) (encode(h12) | (hour >= 12 ? 0x80 : 0));
        }
        cmos[DAY_OF_WEEK] = encode(t.getDayOfWeek().getValue() % 7 + 1);
        cmos[DAY_OF_MONTH] = encode(t.getDayOfMonth());
        cmos[MONTH] = encode(t.getMonthValue());
        cmos[YEAR] = encode(t.getYear() % 100);
        cmos[CENTURY] = encode(t.getYear() / 100);
    }

    private long registersToSeconds() {
        int second = decode(cmos[SECONDS]);
        int minute = decode(cmos[MINUTES]);
        int hourByte = cmos[HOURS] & 0xFF;
        int hour;
        if ((cmos[REGISTER_B] & B_24HOUR) != 0) {
            hour = decode((byte) hourByte);
        } else {
            hour = decode((byte) (hourByte & 0x7F)) % 12 + ((hourByte & 0x80) != 0 ? 12 : 0);
        }
        int day = decode(cmos[DAY_OF_MONTH]);
        int month = decode(cmos[MONTH]);
        int year = decode(cmos[CENTURY]) * 100 + decode(cmos[YEAR]);
        return LocalDateTime.of(year, month, day, hour, minute, second)
                .toEpochSecond(ZoneOffset.UTC);
    }

    private byte encode(int v) {
        return (byte) ((cmos[REGISTER_B] & B_BINARY) != 0 ? v : ((v / 10) << 4) | (v % 10));
    }

    private int decode(byte b) {
        int v = b & 0xFF;
        return (cmos[REGISTER_B] & B_BINARY) != 0 ? v : (v >> 4) * 10 + (v & 0xF);
    }

    /** The periodic interrupt period from register A's rate select, or 0 when off. */
    private long periodNanos() {
        int rs = cmos[REGISTER_A] & 0x0F;
        if (rs == 0) {
            return 0;
        }
        // Rates 1 and 2 repeat rates 8 and 9 on a 32.768 kHz time base.
        int divider = rs <= 2 ? 1 << (rs + 6) : 1 << (rs - 1);
        return divider * SECOND / 32768;
    }

    private void rearm() {
        long now = time.nanos();
        long period = periodNanos();
        if ((cmos[REGISTER_B] & B_PIE) != 0 && period != 0) {
            if (!periodic.armed()) {
                nextPeriodic = now + period;
                periodic.arm(nextPeriodic);
            }
        } else {
            periodic.cancel();
        }
        if ((cmos[REGISTER_B] & (B_UIE | B_AIE)) != 0 && !stopped()) {
            long elapsed = now - baseNanos;
            update.arm(baseNanos + (Math.floorDiv(elapsed, SECOND) + 1) * SECOND);
        } else {
            update.cancel();
        }
    }

    private void periodicTick() {
        raise(C_PF);
        long period = periodNanos();
        if ((cmos[REGISTER_B] & B_PIE) != 0 && period != 0) {
            nextPeriodic += period;
            long now = time.nanos();
            // Ticks missed while the host was slow are dropped, not replayed in a burst.
            if (nextPeriodic <= now) {
                nextPeriodic = now + period;
            }
            periodic.arm(nextPeriodic);
        }
    }

    private void secondTick() {
        long second = currentSecond();
        lastUpdatedSecond = second;
        int flags = C_UF;
        storeTime(second);
        if (alarmMatches()) {
            flags |= C_AF;
        }
        raise(flags);
        rearm();
    }

    private boolean alarmMatches() {
        return alarmField(SECONDS_ALARM, SECONDS)
                && alarmField(MINUTES_ALARM, MINUTES)
                && alarmField(HOURS_ALARM, HOURS);
    }

    private boolean alarmField(int alarm, int field) {
        int a = cmos[alarm] & 0xFF;
        // Values 0xC0-0xFF are "don't care" in an alarm byte.
        return (a & 0xC0) == 0xC0 || a == (cmos[field] & 0xFF);
    }

    private void raise(int flags) {
        int c = cmos[REGISTER_C] | flags;
        int enabled = (cmos[REGISTER_B] & (B_PIE | B_AIE | B_UIE)) & (c & 0x70);
        if (enabled != 0) {
            c |= C_IRQF;
        }
        cmos[REGISTER_C] = (byte) c;
        if (enabled != 0) {
            irq.raise();
        }
    }
}
