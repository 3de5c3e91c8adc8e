package org.atrium.host.vm;

/** A VM's state as the control API and heartbeats report it. */
public enum VmState {
    RUNNING,
    PAUSED,
    STOPPED
}
