package org.atrium.host.token;

/** A connection token was refused; the message says why (safe to log, holds no token). */
public final class TokenRejectedException extends RuntimeException {
    public TokenRejectedException(String message) {
        super(message, null, false, false);
    }
}
