package org.atrium.host.rfb;

import java.time.Duration;

/**
 * Per-connection settings.
 *
 * @param password VNC Authentication password, or null for security type None
 * @param viewOnly when true, key and pointer events are dropped
 * @param handshakeTimeout a client that has not finished ClientInit by then is closed
 */
public record RfbSessionOptions(String password, boolean viewOnly, Duration handshakeTimeout) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public static RfbSessionOptions open() {
        return new RfbSessionOptions(null, false, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    public RfbSessionOptions withViewOnly(boolean viewOnly) {
        return new RfbSessionOptions(password, viewOnly, handshakeTimeout);
    }
}
