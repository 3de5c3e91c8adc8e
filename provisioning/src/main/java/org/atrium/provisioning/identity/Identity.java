package org.atrium.provisioning.identity;

import java.util.Set;
import java.util.UUID;

/** Who a signed-in user is, as the rest of the platform sees it. */
public record Identity(
        UUID userId, String username, UUID tenantId, Set<String> roles, Set<String> groups) {}
