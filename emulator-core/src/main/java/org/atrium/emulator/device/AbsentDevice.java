package org.atrium.emulator.device;

import org.atrium.emulator.bus.BusDevice;

/**
 * A chip that is not modelled but whose ports firmware touches (the 8237 DMA controllers, the
 * POST-code port): it accepts writes and reads as idle, all ones, as an empty ISA bus would.
 * Claiming the ports keeps them visible in the board's map.
 */
public final class AbsentDevice implements BusDevice {
    @Override
    public int read(int offset, int size) {
        return size == 4 ? -1 : (1 << (8 * size)) - 1;
    }

    @Override
    public void write(int offset, int size, int value) {}
}
