package org.atrium.broker.session;

import java.util.UUID;

/** The answer to a connect: where the browser opens its RFB WebSocket. */
public record Connection(UUID desktopId, UUID sessionId, String wsPath) {}
