package org.atrium.host.api;

import java.util.List;
import org.atrium.host.vm.BootSource;
import org.atrium.host.vm.DiskStore;
import org.atrium.host.vm.Vm;
import org.atrium.host.vm.VmIdentity;
import org.atrium.host.vm.VmSupervisor;

/**
 * A VM as the control API shows it; {@code guestReady} says the guest is up (not only the machine
 * running: the host's Linux guest announces itself once its shells run), {@code snapshot} names the
 * snapshot a clone started from, {@code cpuTimeMillis} is the CPU time of its thread (-1 when
 * unknown), {@code disks} the files of the image store the VM owns (its overlays, disk N first)
 * with their backing image and the bytes they take on the host.
 */
public record VmView(
        String id,
        String state,
        boolean guestReady,
        int width,
        int height,
        int memoryMiB,
        String snapshot,
        VmIdentity identity,
        long cpuTimeMillis,
        List<DiskStore.DiskFile> disks) {
    static VmView of(Vm vm, VmSupervisor supervisor) {
        long cpu = vm.machine().cpuTimeNanos();
        return new VmView(
                vm.id(),
                vm.state().name(),
                vm.machine().guestReady(),
                vm.machine().display().width(),
                vm.machine().display().height(),
                vm.spec().memoryMiB(),
                vm.spec().boot() instanceof BootSource.Snapshot(String name) ? name : null,
                vm.spec().identity(),
                cpu < 0 ? -1 : cpu / 1_000_000,
                supervisor.diskFiles(vm.id()));
    }
}
