package org.atrium.host.vm;

import org.atrium.host.rfb.RfbTarget;

/** One VM on this host: its id, what it was created from, and its machine. */
public record Vm(String id, VmSpec spec, VmMachine machine) {

    public VmState state() {
        return machine.state();
    }

    /** What an RFB client of this VM sees and drives. */
    public RfbTarget rfbTarget() {
        return new RfbTarget(id, machine.display(), machine.keyboard(), machine.pointer());
    }
}
