package org.atrium.emulator.snapshot;

/**
 * A part of the machine whose whole state can be saved and loaded: a chip, the CPU, the clock. The
 * state record models the chip (its registers and latches as the datasheet names them), not our
 * implementation, so that a snapshot outlives refactorings of the device class.
 *
 * <p>Call both methods on the machine's thread, between instructions. {@link #restore} takes a
 * state this kind of part produced (possibly in another process); it must leave the part exactly as
 * it was when {@link #snapshot} ran, including its armed timers, and may throw {@link
 * IllegalArgumentException} for a state that cannot belong to it.
 *
 * @param <S> the state record
 */
public interface Snapshottable<S extends Record> {
    /**
     * The section id of this part in a snapshot file: stable across releases, 1 to 32 characters of
     * {@code [a-z0-9.-]}, unique within a machine.
     */
    String id();

    /** The record {@link #snapshot()} returns, which the decoder builds from a file. */
    Class<S> stateType();

    /**
     * The layout version of the state record; raise it when the record changes, so that a reader
     * refuses files written for another layout instead of misreading them.
     */
    default int stateVersion() {
        return 1;
    }

    /**
     * Whether a snapshot file may lack this part's section: true for parts added to the board after
     * snapshot files of it were already in use. The guest saved in such a file never saw the part,
     * so it comes back in its power-on state ({@link #restoreAbsent()}).
     */
    default boolean optionalInSnapshot() {
        return false;
    }

    /** Takes the power-on state; called instead of {@link #restore} for an absent optional part. */
    default void restoreAbsent() {
        throw new IllegalArgumentException("no state for " + id());
    }

    S snapshot();

    void restore(S state);

    /** Restores from a decoded record after checking its type. */
    default void restoreRecord(Record state) {
        restore(stateType().cast(state));
    }
}
