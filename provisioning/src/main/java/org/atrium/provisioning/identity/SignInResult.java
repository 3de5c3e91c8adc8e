package org.atrium.provisioning.identity;

/** The outcome of checking a user name and password. */
public sealed interface SignInResult {
    record Accepted(Identity identity) implements SignInResult {}

    /** Refused; the reason is for the log, never for the person signing in. */
    record Refused(String reason) implements SignInResult {}
}
