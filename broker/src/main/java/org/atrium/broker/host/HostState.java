package org.atrium.broker.host;

/** Whether a host is heartbeating ({@code UP}) or has missed too many heartbeats. */
public enum HostState {
    UP,
    DOWN
}
