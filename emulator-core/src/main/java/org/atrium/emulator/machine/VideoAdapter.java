package org.atrium.emulator.machine;

import org.atrium.emulator.bus.BusDevice;
import org.atrium.emulator.display.DisplaySurface;

/**
 * What the board needs of a Bochs/QEMU "std" VGA (the {@code device.vga.StdVga} API): its windows,
 * the size of its video RAM for the framebuffer BAR, a refresh tick and its screen.
 */
interface VideoAdapter {
    /** VGA registers 0x3C0-0x3DF, offsets from 0x3C0. */
    BusDevice vgaPorts();

    /** Bochs VBE DISPI index (offset 0) and data (offset 1). */
    BusDevice dispiPorts();

    /** The legacy window 0xA0000-0xBFFFF, offsets from 0xA0000. */
    BusDevice legacyMemory();

    /** The linear framebuffer behind BAR 0. */
    BusDevice linearFramebuffer();

    int vramSize();

    void refresh(long virtualNanos);

    DisplaySurface surface();
}
