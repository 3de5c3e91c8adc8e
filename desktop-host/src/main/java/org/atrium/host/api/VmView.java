package org.atrium.host.api;

import org.atrium.host.vm.Vm;

/** A VM as the control API shows it. */
public record VmView(String id, String state, int width, int height) {
    static VmView of(Vm vm) {
        return new VmView(
                vm.id(),
                vm.state().name(),
                vm.machine().display().width(),
                vm.machine().display().height());
    }
}
