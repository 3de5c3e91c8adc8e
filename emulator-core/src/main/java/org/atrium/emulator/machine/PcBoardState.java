package org.atrium.emulator.machine;

import java.util.Objects;
import org.atrium.emulator.device.acpi.AcpiPmState;
import org.atrium.emulator.device.chipset.Piix3State;
import org.atrium.emulator.device.ide.PiixIdeState;
import org.atrium.emulator.device.keyboard.I8042State;
import org.atrium.emulator.device.keyboard.Ps2KeyboardState;
import org.atrium.emulator.device.keyboard.Ps2MouseState;
import org.atrium.emulator.device.pci.PciFunctionState;
import org.atrium.emulator.device.pic.CascadedPicsState;
import org.atrium.emulator.device.pit.I8254State;
import org.atrium.emulator.device.rtc.Mc146818State;
import org.atrium.emulator.device.serial.Uart16550State;
import org.atrium.emulator.device.vga.StdVgaState;
import org.atrium.emulator.device.virtio.VirtioTabletState;

/**
 * Every chip of the board at one virtual instant (guest RAM and the CPU are kept apart). Device
 * times inside are on the virtual time line, whose value at the snapshot is {@code virtualNanos}.
 *
 * @param systemControlA the port 0x92 register
 * @param systemControlB the writable bits of port 0x61
 * @param vga the display adapter, or {@code null} on a board without one
 * @param acpiPm the ACPI power-management registers
 * @param ide the PIIX3 IDE function and its channels (the disks' contents are the images')
 * @param tablet the virtio tablet (its rings and buffers live in guest RAM)
 */
public record PcBoardState(
        long virtualNanos,
        CascadedPicsState pics,
        I8254State pit,
        Mc146818State rtc,
        Uart16550State com1,
        I8042State keyboardController,
        Ps2KeyboardState keyboard,
        Ps2MouseState mouse,
        int systemControlA,
        int systemControlB,
        PciFunctionState hostBridge,
        Piix3State isaBridge,
        PciFunctionState vgaFunction,
        StdVgaState vga,
        AcpiPmState acpiPm,
        PiixIdeState ide,
        VirtioTabletState tablet) {
    public PcBoardState {
        Objects.requireNonNull(pics, "pics");
        Objects.requireNonNull(pit, "pit");
        Objects.requireNonNull(rtc, "rtc");
        Objects.requireNonNull(com1, "com1");
        Objects.requireNonNull(keyboardController, "keyboardController");
        Objects.requireNonNull(keyboard, "keyboard");
        Objects.requireNonNull(mouse, "mouse");
        Objects.requireNonNull(hostBridge, "hostBridge");
        Objects.requireNonNull(isaBridge, "isaBridge");
        Objects.requireNonNull(acpiPm, "acpiPm");
        Objects.requireNonNull(ide, "ide");
        Objects.requireNonNull(tablet, "tablet");
        if (virtualNanos < 0) {
            throw new IllegalArgumentException("virtual time cannot be negative");
        }
        if ((vga == null) != (vgaFunction == null)) {
            throw new IllegalArgumentException("VGA state and its PCI function go together");
        }
    }
}
