package org.atrium.host.vm;

import io.netty.channel.group.ChannelGroup;
import org.atrium.host.rfb.RfbTarget;

/**
 * One VM on this host: its id, what it was created from, its machine, and its RFB clients, closed
 * when the VM is deleted.
 */
public record Vm(String id, VmSpec spec, VmMachine machine, ChannelGroup rfbClients) {

    public Vm(String id, VmSpec spec, VmMachine machine) {
        this(id, spec, machine, RfbTarget.newClientGroup(id));
    }

    public VmState state() {
        return machine.state();
    }

    /** What an RFB client of this VM sees and drives. */
    public RfbTarget rfbTarget() {
        return new RfbTarget(
                id, machine.display(), machine.keyboard(), machine.pointer(), rfbClients);
    }
}
