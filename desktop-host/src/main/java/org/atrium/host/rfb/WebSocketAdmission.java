package org.atrium.host.rfb;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a WebSocket upgrade request may become an RFB session, and with which VM. Called
 * on the event loop: it must not block, so answers that need I/O (fetching keys) come back later.
 */
@FunctionalInterface
public interface WebSocketAdmission {

    CompletionStage<Decision> admit(String path, Map<String, List<String>> query);

    /** The outcome of an upgrade request. */
    sealed interface Decision {}

    /** Upgrade, and serve {@code target}. */
    record Admitted(RfbTarget target, RfbSessionOptions options) implements Decision {}

    /** Answer with an HTTP error instead of upgrading. */
    record Refused(int status, String reason) implements Decision {}
}
