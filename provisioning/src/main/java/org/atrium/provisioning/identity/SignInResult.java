package org.atrium.provisioning.identity;

/** The outcome of checking a user name and password. */
public sealed interface SignInResult {
    record Accepted(Identity identity) implements SignInResult {}

    /**
     * Refused; the reason is for the log, never for the person signing in. {@code locked} says the
     * account is locked, which the sign-in page may tell (it reveals no password information).
     */
    record Refused(String reason, boolean locked) implements SignInResult {}
}
