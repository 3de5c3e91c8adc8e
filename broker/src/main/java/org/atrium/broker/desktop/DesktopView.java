package org.atrium.broker.desktop;

import java.util.UUID;

/** A desktop as its user or their tenant's admin sees it. */
public record DesktopView(UUID id, UUID poolId, DesktopState state, String hostName) {
    public static DesktopView of(Desktop desktop) {
        return new DesktopView(desktop.id, desktop.poolId, desktop.state, desktop.hostName);
    }
}
