/**
 * Chips of the PC board, one package per chip. A device sees only its own register window through
 * {@link org.atrium.emulator.bus.BusDevice}; its interrupt lines, clock and host-side connections
 * come in through its constructor. Only {@code machine.PcBoard} knows where a chip sits.
 */
package org.atrium.emulator.device;
