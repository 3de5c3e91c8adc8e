package org.atrium.provisioning.tenant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Creates and looks up tenants. */
@ApplicationScoped
public class TenantService {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,62}");

    private final TenantRepository tenants;

    public TenantService(TenantRepository tenants) {
        this.tenants = tenants;
    }

    @Transactional
    public Tenant create(String name, String displayName) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "tenant name must be 2-63 lower-case letters, digits or '-', got " + name);
        }
        if (tenants.findByName(name).isPresent()) {
            throw new IllegalArgumentException("tenant " + name + " already exists");
        }
        var tenant = new Tenant();
        tenant.id = UUID.randomUUID();
        tenant.name = name;
        tenant.displayName = displayName == null || displayName.isBlank() ? name : displayName;
        tenant.createdAt = Instant.now();
        tenants.persist(tenant);
        return tenant;
    }

    @Transactional
    public Optional<Tenant> findByName(String name) {
        return tenants.findByName(name);
    }

    @Transactional
    public List<Tenant> list() {
        return tenants.list("order by name");
    }

    @Transactional
    public Optional<Tenant> findById(UUID id) {
        return tenants.findByIdOptional(id);
    }
}
