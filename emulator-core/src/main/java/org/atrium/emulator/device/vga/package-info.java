/**
 * The Bochs/QEMU std VGA (PCI 1234:1111), the display adapter SeaVGABIOS's {@code vgabios-stdvga}
 * drives.
 *
 * <p>Wiring, as the board does it ({@link org.atrium.emulator.device.vga.StdVga} names no addresses
 * itself):
 *
 * <ul>
 *   <li>ports 0x3C0-0x3DF to {@code vgaPorts()} (offset = port - 0x3C0), 0x3B0-0x3BF to {@code
 *       monoPorts()}, 0x1CE-0x1CF to {@code dispiPorts()} (16-bit index and data);
 *   <li>memory 0xA0000-0xBFFFF to {@code legacyMemory()} (offset = address - 0xA0000), and the PCI
 *       BAR0 window (prefetchable memory, {@code vramSize()} bytes) to {@code linearFramebuffer()};
 *   <li>{@code refresh(virtualNanos)} on the guest's thread at the display rate (e.g. every 16-33
 *       ms of virtual time); listeners of {@code surface()} hear damage and size changes from it.
 * </ul>
 */
package org.atrium.emulator.device.vga;
