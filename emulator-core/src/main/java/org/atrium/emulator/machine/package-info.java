/**
 * One virtual PC: {@link org.atrium.emulator.machine.PcMachine} runs it on its own thread, and
 * {@code PcBoard} (package-private) is the one class that names I/O ports, memory addresses and IRQ
 * lines and wires the chips of {@code device.*} together.
 *
 * <p>Threading: the machine's thread owns the CPU, every chip, the memory map and the virtual
 * clock. Host threads talk to it only through {@code PcMachine}, whose input methods queue work for
 * that thread and whose output streams are thread-safe buffers. The thread runs the CPU in slices
 * of instructions; between slices it fires due timers and applies queued input; when the CPU is
 * halted with no interrupt pending it parks until the next timer deadline or until host input
 * arrives.
 */
package org.atrium.emulator.machine;
