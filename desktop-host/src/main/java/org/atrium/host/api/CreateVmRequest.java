package org.atrium.host.api;

import java.util.ArrayList;
import java.util.List;
import org.atrium.host.vm.BootSource;
import org.atrium.host.vm.DiskSpec;
import org.atrium.host.vm.DiskStore;
import org.atrium.host.vm.VmIdentity;
import org.atrium.host.vm.VmProblemException;
import org.atrium.host.vm.VmSpec;

/**
 * Body of {@code PUT /api/v1/vms/{id}}: {@code {"memoryMiB": 32, "boot": {"firmware": "seabios"}}},
 * the host's Linux guest {@code {"memoryMiB": 128, "boot": {"linux": "debian-i386"}}}, a kernel
 * boot {@code {"memoryMiB": 256, "boot": {"kernel": "vmlinuz", "initrd": "initrd.gz",
 * "commandLine": "console=ttyS0"}}}, or an instant clone {@code {"boot": {"snapshot": "template"},
 * "identity": {"hostname": "desk-7"}}} (memoryMiB optional, identity optional). Any but a clone may
 * name disks: {@code "disks": [{"image": "debian.qcow2"}]}, golden images of the host's image store
 * that the VM sees through overlays of its own.
 */
public record CreateVmRequest(Integer memoryMiB, Boot boot, Identity identity, List<Disk> disks) {
    /**
     * A disk: a golden image of the host's image store by file name; {@code format} {@code raw} or
     * {@code qcow2}, by default qcow2 for a name ending in {@code .qcow2} and raw otherwise.
     */
    public record Disk(String image, String format) {}

    public record Boot(
            String firmware,
            String linux,
            String kernel,
            String initrd,
            String commandLine,
            String snapshot) {}

    public record Identity(String hostname, String macAddress, String serialNumber) {}

    VmSpec toSpec() {
        if (boot == null) throw invalid("the body needs boot");
        int given =
                (boot.firmware() != null ? 1 : 0)
                        + (boot.linux() != null ? 1 : 0)
                        + (boot.kernel() != null ? 1 : 0)
                        + (boot.snapshot() != null ? 1 : 0);
        if (given != 1) {
            throw invalid("boot needs exactly one of firmware, linux, kernel or snapshot");
        }
        VmIdentity id =
                identity == null
                        ? null
                        : new VmIdentity(
                                identity.hostname(),
                                identity.macAddress(),
                                identity.serialNumber());
        List<DiskSpec> diskSpecs = diskSpecs();
        if (boot.snapshot() != null) {
            if (!diskSpecs.isEmpty()) {
                throw invalid("a clone's disks are its snapshot's; leave disks out of a clone");
            }
            return new VmSpec(
                    memoryMiB == null ? 0 : memoryMiB,
                    new BootSource.Snapshot(boot.snapshot()),
                    id);
        }
        if (memoryMiB == null) throw invalid("the body needs memoryMiB");
        if (id != null) throw invalid("identity is only for clones (boot.snapshot)");
        BootSource source;
        if (boot.firmware() != null) {
            source = new BootSource.Firmware(boot.firmware());
        } else if (boot.linux() != null) {
            source = new BootSource.Linux(boot.linux());
        } else {
            source = new BootSource.Kernel(boot.kernel(), boot.initrd(), boot.commandLine());
        }
        return new VmSpec(memoryMiB, source, null, diskSpecs);
    }

    private List<DiskSpec> diskSpecs() {
        if (disks == null) return List.of();
        if (disks.size() > DiskStore.MAX_DISKS) {
            throw invalid("a VM has at most " + DiskStore.MAX_DISKS + " disks");
        }
        List<DiskSpec> specs = new ArrayList<>();
        for (Disk disk : disks) {
            if (disk == null || disk.image() == null) throw invalid("every disk needs image");
            specs.add(DiskSpec.of(disk.image(), disk.format()));
        }
        return specs;
    }

    private static VmProblemException invalid(String detail) {
        return new VmProblemException(400, "Invalid VM", detail);
    }
}
