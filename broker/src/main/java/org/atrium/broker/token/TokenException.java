package org.atrium.broker.token;

/** A connection token that must not be honoured; the message says why, for the log. */
public class TokenException extends RuntimeException {
    public TokenException(String message) {
        super(message);
    }
}
