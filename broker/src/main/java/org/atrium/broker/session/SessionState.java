package org.atrium.broker.session;

/**
 * CONNECTED and DISCONNECTED sessions are live (they hold their desktop); ENDED ones are history.
 */
public enum SessionState {
    CONNECTED,
    DISCONNECTED,
    ENDED
}
