package org.atrium.emulator.machine;

import java.util.Objects;

/**
 * How {@link PcMachine#restore} brings a snapshot's guest RAM into the new machine.
 *
 * @param ram {@link RamMode#COPY} reads RAM into memory of the machine's own; {@link
 *     RamMode#MAP_PRIVATE} maps it copy-on-write from the snapshot file, so that many machines
 *     restored from one file share the pages none of them wrote (instant clones)
 * @param verifyRam whether to check the RAM section's checksum; a copy always checks it (for free
 *     while copying), a private mapping only when this is set, because it reads every page once
 */
public record RestoreOptions(RamMode ram, boolean verifyRam) {
    /** Where the restored machine's RAM lives. */
    public enum RamMode {
        COPY,
        MAP_PRIVATE
    }

    public RestoreOptions {
        Objects.requireNonNull(ram, "ram");
    }

    /** RAM copied from the file, checksum checked. */
    public static RestoreOptions copy() {
        return new RestoreOptions(RamMode.COPY, true);
    }

    /** RAM mapped copy-on-write from the file, checksum checked once. */
    public static RestoreOptions mapPrivate() {
        return new RestoreOptions(RamMode.MAP_PRIVATE, true);
    }
}
