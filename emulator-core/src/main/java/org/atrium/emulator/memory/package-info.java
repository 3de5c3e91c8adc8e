/**
 * The physical address space: {@link org.atrium.emulator.memory.MemoryMap} holds guest RAM
 * off-heap, the BIOS ROM, the PAM-controlled shadow area, the A20 gate and movable device windows.
 */
package org.atrium.emulator.memory;
