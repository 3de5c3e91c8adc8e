package org.atrium.emulator.cpu;

/**
 * A segment register as the CPU holds it: the visible selector and the hidden descriptor cache
 * (Intel SDM vol. 3, 3.4.3). {@code attributes} is the descriptor's high dword masked with
 * 0x00F0FF00 (type, S, DPL, P, AVL, D/B, G).
 */
public record SegmentState(int selector, int base, int limit, int attributes) {}
