package org.atrium.broker.token;

import java.util.UUID;

/**
 * The claims of a connection token (docs/architecture.md): {@code sub} user, {@code tid} tenant,
 * {@code did} desktop (= VM id), {@code hst} host; {@code iat}/{@code exp} in epoch seconds.
 */
public record TokenClaims(
        String iss,
        String aud,
        UUID sub,
        UUID tid,
        UUID did,
        String hst,
        String jti,
        long iat,
        long exp) {
    public static final String ISSUER = "atrium-broker";
    public static final String AUDIENCE = "atrium-host";
}
