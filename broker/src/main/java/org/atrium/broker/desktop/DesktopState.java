package org.atrium.broker.desktop;

import java.util.List;

/**
 * Life of a desktop: PROVISIONING (host asked to start its VM) → READY (its host reports the VM
 * running and the guest up; free) → ASSIGNED (a user's) → RECYCLING (pooled desktop after logoff,
 * to be made clean) → PROVISIONING again. FAILED desktops (host down, VM lost) no longer count
 * towards their pool.
 */
public enum DesktopState {
    PROVISIONING,
    READY,
    ASSIGNED,
    RECYCLING,
    FAILED;

    /** States that count towards a pool's size. */
    public static final List<DesktopState> LIVE = List.of(PROVISIONING, READY, ASSIGNED, RECYCLING);
}
