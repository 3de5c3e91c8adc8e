package org.atrium.provisioning.identity;

import java.util.Arrays;

/** What a user may do; {@link #roleName()} is the name used by {@code @RolesAllowed}. */
public enum Role {
    USER("user"),
    TENANT_ADMIN("tenant-admin"),
    PLATFORM_ADMIN("platform-admin");

    private final String roleName;

    Role(String roleName) {
        this.roleName = roleName;
    }

    public String roleName() {
        return roleName;
    }

    public static Role fromName(String name) {
        return Arrays.stream(values())
                .filter(role -> role.roleName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role " + name));
    }
}
