package org.atrium.host.rfb;

/** A client broke the protocol; the message says how. Only that client's connection is closed. */
public final class RfbProtocolException extends RuntimeException {
    public RfbProtocolException(String message) {
        super(message, null, false, false);
    }
}
