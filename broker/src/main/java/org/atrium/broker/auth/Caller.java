package org.atrium.broker.auth;

import java.util.Set;
import java.util.UUID;

/** The signed-in user a request acts for; every tenant-scoped call takes its tenant from here. */
public record Caller(
        UUID userId, String username, UUID tenantId, Set<String> roles, Set<String> groups) {}
