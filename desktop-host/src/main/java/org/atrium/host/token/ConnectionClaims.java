package org.atrium.host.token;

/** The verified claims of a connection token (docs/architecture.md, "Connection tokens"). */
public record ConnectionClaims(
        String userId,
        String tenantId,
        String desktopId,
        String hostName,
        String jti,
        long issuedAt,
        long expiresAt) {}
