package org.atrium.emulator.device.keyboard;

/**
 * An 8042's registers: status, command byte, output port, the output buffer and whose byte it
 * holds, a command waiting for its data byte, and a set 2 break prefix seen by the translator.
 *
 * @param pendingCommand 0, or the command (0x60, 0xD1-0xD4) whose data byte comes next
 */
public record I8042State(
        int status,
        int commandByte,
        int outputPort,
        int outputBuffer,
        boolean outputFromAux,
        int pendingCommand,
        boolean breakPrefix) {
    public I8042State {
        if (((status | commandByte | outputPort | outputBuffer | pendingCommand) & ~0xFF) != 0) {
            throw new IllegalArgumentException("8042 register out of range");
        }
        if (pendingCommand != 0
                && pendingCommand != 0x60
                && (pendingCommand < 0xD1 || pendingCommand > 0xD4)) {
            throw new IllegalArgumentException("not a command that takes data: " + pendingCommand);
        }
    }
}
