package org.atrium.emulator.machine;

/**
 * The "machine" section of a snapshot: which board wrote it and how much RAM it has, checked before
 * anything else is loaded.
 *
 * @param board the board's name, {@code "pc-i440fx"}
 * @param ramBytes guest RAM in bytes
 */
record MachineSnapshotInfo(String board, long ramBytes) {}
