package org.atrium.broker.admin;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.List;

/** Request bodies of the admin API. */
public final class AdminRequests {
    private AdminRequests() {}

    /** New size and warm buffer of a pool. */
    public record Capacity(@Min(0) @Max(10_000) int size, @Min(0) int warmBuffer) {}

    /** A built-in account a tenant admin creates in their tenant, with the user role. */
    public record NewUser(
            @NotBlank String username, @NotBlank String password, List<String> groups) {}

    /** A tenant a platform admin creates. */
    public record NewTenant(@NotBlank String name, String displayName) {}

    /** A tenant's administrator, created by a platform admin. */
    public record NewAdmin(
            @NotBlank String username, @NotBlank String password, List<String> groups) {}
}
