package org.atrium.emulator.bus;

import java.util.Arrays;

/**
 * Write tracking for code in guest RAM: which 4 KiB pages hold code that a CPU has decoded and
 * checked, and an epoch that moves on whenever one of them may have changed.
 *
 * <p>A CPU that caches decoded code stamps what it checked against RAM with the current {@link
 * #epoch()} and marks its page ({@link #watch}). While the epoch stays the same, a stamped block is
 * still what RAM holds, so the CPU may run it without comparing its bytes again. Every writer of
 * guest RAM calls {@link #stored} (or {@link #changedAll}) for what it wrote: a store to a marked
 * page unmarks it and moves the epoch on, after which every block is compared once more before it
 * runs and stamped again. Pages that hold code are seldom written, so the epoch seldom moves; a
 * store to a page that holds no checked code costs one bit test.
 *
 * <p>The writers are the CPU's own store paths and everything that writes through {@link
 * PhysicalMemory} (devices' DMA, loaders). Not thread-safe: used by the machine's thread.
 */
public final class CodeWatch {
    private static final long STAMP_MASK = (1L << 48) - 1;

    // A bit per 4 KiB page of guest RAM: set while the page holds code checked in this epoch.
    private final long[] pages;
    private long epoch;

    /** Watches guest RAM of {@code ramBytes} bytes. */
    public CodeWatch(long ramBytes) {
        if (ramBytes < 0 || ramBytes > 1L << 32) {
            throw new IllegalArgumentException("RAM size out of range: " + ramBytes);
        }
        pages = new long[(int) ((ramBytes + (1L << 18) - 1) >>> 18)];
    }

    /**
     * The current epoch, as a 48-bit stamp: code checked against RAM in this epoch is still what
     * RAM holds.
     */
    public long epoch() {
        return epoch & STAMP_MASK;
    }

    /** Marks the page holding RAM offset {@code offset} as holding code checked in this epoch. */
    public void watch(long offset) {
        pages[(int) (offset >>> 18)] |= 1L << (offset >>> 12);
    }

    /**
     * Notes a store to RAM offset {@code offset}; the stored bytes may reach the end of that 4 KiB
     * page, not beyond it.
     */
    public void stored(long offset) {
        int i = (int) (offset >>> 18);
        long bit = 1L << (offset >>> 12);
        if ((pages[i] & bit) != 0) {
            pages[i] &= ~bit;
            epoch++;
        }
    }

    /** Notes a store of {@code length} bytes (at least one) from RAM offset {@code offset}. */
    public void stored(long offset, long length) {
        for (long page = offset >>> 12; page <= (offset + length - 1) >>> 12; page++) {
            stored(page << 12);
        }
    }

    /** Notes that any of guest RAM may have changed (a snapshot's RAM copied in, say). */
    public void changedAll() {
        Arrays.fill(pages, 0);
        epoch++;
    }
}
