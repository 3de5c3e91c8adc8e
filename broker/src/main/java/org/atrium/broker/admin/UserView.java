package org.atrium.broker.admin;

import java.util.List;
import java.util.UUID;
import org.atrium.provisioning.identity.Identity;

/** An account as an admin sees it (never its password hash). */
public record UserView(
        UUID id, String username, UUID tenantId, List<String> roles, List<String> groups) {
    static UserView of(Identity identity) {
        return new UserView(
                identity.userId(),
                identity.username(),
                identity.tenantId(),
                identity.roles().stream().sorted().toList(),
                List.copyOf(identity.groups()));
    }
}
