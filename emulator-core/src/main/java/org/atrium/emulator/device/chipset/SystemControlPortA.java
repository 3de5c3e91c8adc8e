package org.atrium.emulator.device.chipset;

import java.util.function.Consumer;
import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * System Control Port A of PS/2-class chipsets (IBM PS/2 Technical Reference, "System Control Port
 * A"): bit 1 drives the fast A20 gate, a 0→1 write of bit 0 pulses the CPU's reset line (fast
 * reset). Other bits read back as written.
 */
public final class SystemControlPortA
        implements BusDevice, Snapshottable<SystemControlPortA.PortState> {
    /** The register as read back. */
    public record PortState(int value) {
        public PortState {
            if ((value & ~0xFE) != 0) {
                throw new IllegalArgumentException("port 0x92 holds bits 1-7 only");
            }
        }
    }

    private final Consumer<Boolean> a20;
    private final Runnable cpuReset;
    private int value;

    public SystemControlPortA(Consumer<Boolean> a20, Runnable cpuReset) {
        this.a20 = a20;
        this.cpuReset = cpuReset;
    }

    public void reset() {
        value = 0;
    }

    /** The register's value (bit 1: A20), for snapshots. */
    public int value() {
        return value;
    }

    @Override
    public String id() {
        return "port92";
    }

    @Override
    public Class<PortState> stateType() {
        return PortState.class;
    }

    @Override
    public PortState snapshot() {
        return new PortState(value);
    }

    @Override
    public void restore(PortState state) {
        restore(state.value());
    }

    /** Loads a saved register value; the A20 line follows it, no reset is pulsed. */
    public void restore(int saved) {
        value = saved & 0xFE;
        a20.accept((value & 0x02) != 0);
    }

    @Override
    public int read(int offset, int size) {
        return value;
    }

    @Override
    public void write(int offset, int size, int v) {
        int old = value;
        value = v & 0xFE;
        if (((old ^ v) & 0x02) != 0) {
            a20.accept((v & 0x02) != 0);
        }
        if ((v & 0x01) != 0 && (old & 0x01) == 0) {
            cpuReset.run();
        }
    }
}
