package org.atrium.host.vm;

import java.util.List;
import java.util.Objects;

/**
 * What a VM is created from (the body of {@code PUT /api/v1/vms/{id}}).
 *
 * @param memoryMiB guest RAM; for a clone, the RAM of the snapshot it starts from
 * @param boot how the machine starts: firmware, a kernel from the host's image directory, or a
 *     snapshot of the host's snapshot store (an instant clone)
 * @param identity what the guest is told about itself after a clone starts, or {@code null}
 * @param disks golden images of the host's image store, disk N on IDE position N, each behind an
 *     overlay of the VM's own; empty for a clone (its disks are its snapshot's)
 */
public record VmSpec(int memoryMiB, BootSource boot, VmIdentity identity, List<DiskSpec> disks) {
    public VmSpec {
        Objects.requireNonNull(boot, "boot");
        disks = disks == null ? List.of() : List.copyOf(disks);
    }

    /** A VM without disks. */
    public VmSpec(int memoryMiB, BootSource boot, VmIdentity identity) {
        this(memoryMiB, boot, identity, List.of());
    }

    /** A VM that boots {@code firmware} (only {@code seabios} is served). */
    public VmSpec(int memoryMiB, String firmware) {
        this(memoryMiB, new BootSource.Firmware(firmware), null);
    }

    /** A VM that boots the host's Linux guest {@code name}. */
    public static VmSpec linux(int memoryMiB, String name) {
        return new VmSpec(memoryMiB, new BootSource.Linux(name), null);
    }

    /** This spec with {@code newDisks} instead of its disks. */
    public VmSpec withDisks(List<DiskSpec> newDisks) {
        return new VmSpec(memoryMiB, boot, identity, newDisks);
    }
}
