package org.atrium.broker.session;

import java.time.Instant;
import java.util.UUID;

/** A session as its user sees it. */
public record SessionView(
        UUID id, UUID poolId, UUID desktopId, SessionState state, Instant createdAt) {
    static SessionView of(DesktopSession session) {
        return new SessionView(
                session.id, session.poolId, session.desktopId, session.state, session.createdAt);
    }
}
