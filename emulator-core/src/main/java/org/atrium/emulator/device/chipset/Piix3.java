package org.atrium.emulator.device.chipset;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.device.pci.PciFunction;
import org.atrium.emulator.snapshot.Snapshottable;

/**
 * The Intel 82371SB PIIX3 PCI-to-ISA bridge, function 0 (datasheet 290550, sections 2.2 and 4.1):
 * PCI identity 8086:7000 as a multi-function device, the PIRQ route control registers PIRQRC[A:D]
 * (0x60-0x63, power-on 0x80: routing disabled), and the Reset Control register at I/O 0xCF9 (a 0→1
 * write of bit 2 resets the system). Other ISA-bridge registers hold what is written.
 *
 * <p>Left out: the IDE, USB and power-management functions, and the ISA-side chips (timer, PICs,
 * DMA, RTC), which are separate devices on the board.
 */
public final class Piix3 implements Snapshottable<Piix3State> {
    private static final int PIRQRC = 0x60;

    private final PciFunction function;
    private final Runnable systemReset;
    private int resetControl;

    /**
     * @param systemReset pulses the system's reset line
     */
    public Piix3(Runnable systemReset) {
        this.systemReset = systemReset;
        PciFunction f =
                new PciFunction(0x8086, 0x7000, 0x00, 0x060100, 0x80)
                        .subsystem(0x1AF4, 0x1100)
                        .writable(0x40, 0xC0);
        for (int i = 0; i < 4; i++) {
            f.initial(PIRQRC + i, 0x80);
        }
        this.function = f;
    }

    public PciFunction function() {
        return function;
    }

    public void reset() {
        function.reset();
        resetControl = 0;
    }

    /** Stable identifier of this device's section in a machine snapshot. */
    @Override
    public String id() {
        return "pci-piix3";
    }

    @Override
    public Class<Piix3State> stateType() {
        return Piix3State.class;
    }

    @Override
    public Piix3State snapshot() {
        return new Piix3State(function.snapshot(), resetControl);
    }

    @Override
    public void restore(Piix3State state) {
        function.restore(state.function());
        resetControl = state.resetControl() & 0x06;
    }

    /** The ISA IRQ PCI interrupt {@code pirq} (0 = PIRQA) is routed to, or -1 if disabled. */
    public int pirqRoute(int pirq) {
        int value = function.config8(PIRQRC + pirq);
        return (value & 0x80) != 0 ? -1 : value & 0x0F;
    }

    /** The Reset Control register (one byte). */
    public BusDevice resetControl() {
        return new BusDevice() {
            @Override
            public int read(int offset, int size) {
                return resetControl;
            }

            @Override
            public void write(int offset, int size, int value) {
                if ((value & 0x04) != 0 && (resetControl & 0x04) == 0) {
                    resetControl = value & 0x02;
                    systemReset.run();
                    return;
                }
                resetControl = value & 0x06;
            }
        };
    }
}
