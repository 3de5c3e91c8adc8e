package org.atrium.provisioning.pool;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Defines pools and answers which ones a user may use. */
@ApplicationScoped
public class PoolService {
    private final PoolRepository pools;

    public PoolService(PoolRepository pools) {
        this.pools = pools;
    }

    @Transactional
    public Pool define(UUID tenantId, PoolDefinition definition) {
        validate(definition);
        if (pools.findByName(tenantId, definition.name()).isPresent()) {
            throw new IllegalArgumentException("pool " + definition.name() + " already exists");
        }
        var pool = new Pool();
        pool.id = UUID.randomUUID();
        pool.tenantId = tenantId;
        pool.name = definition.name();
        pool.kind = definition.kind();
        pool.size = definition.size();
        pool.warmBuffer = definition.warmBuffer();
        pool.memoryMiB = definition.memoryMiB();
        pool.bootSource = definition.bootSource();
        pool.entitledGroup = definition.entitledGroup();
        pool.createdAt = Instant.now();
        pools.persist(pool);
        return pool;
    }

    @Transactional
    public List<Pool> entitled(UUID tenantId, Collection<String> groups) {
        return pools.listEntitled(tenantId, groups);
    }

    /** The pool, if it is in the tenant and the groups entitle its user to it. */
    @Transactional
    public Optional<Pool> findEntitled(UUID tenantId, Collection<String> groups, UUID poolId) {
        return pools.findInTenant(tenantId, poolId)
                .filter(pool -> groups.contains(pool.entitledGroup));
    }

    @Transactional
    public List<Pool> listInTenant(UUID tenantId) {
        return pools.listInTenant(tenantId);
    }

    /** Changes how many desktops a pool holds and keeps ready; the reconciler does the rest. */
    @Transactional
    public Optional<Pool> resize(UUID tenantId, UUID poolId, int size, int warmBuffer) {
        if (size < 0 || size > 10_000) {
            throw new IllegalArgumentException("pool size must be 0-10000, got " + size);
        }
        if (warmBuffer < 0) {
            throw new IllegalArgumentException("warm buffer must not be negative");
        }
        var pool = pools.findInTenant(tenantId, poolId);
        pool.ifPresent(
                p -> {
                    p.size = size;
                    p.warmBuffer = warmBuffer;
                });
        return pool;
    }

    @Transactional
    public Optional<Pool> findInTenant(UUID tenantId, UUID poolId) {
        return pools.findInTenant(tenantId, poolId);
    }

    @Transactional
    public List<Pool> allPools() {
        return pools.listAllTenants();
    }

    private static void validate(PoolDefinition d) {
        if (d.name() == null || d.name().isBlank() || d.name().length() > 100) {
            throw new IllegalArgumentException("pool name must be 1-100 characters");
        }
        if (d.kind() == null) {
            throw new IllegalArgumentException("pool kind is required");
        }
        if (d.size() < 0 || d.size() > 10_000) {
            throw new IllegalArgumentException("pool size must be 0-10000, got " + d.size());
        }
        if (d.warmBuffer() < 0) {
            throw new IllegalArgumentException("warm buffer must not be negative");
        }
        if (d.memoryMiB() < 1 || d.memoryMiB() > 65_536) {
            throw new IllegalArgumentException("memory must be 1-65536 MiB, got " + d.memoryMiB());
        }
        if (d.bootSource() == null || !d.bootSource().strip().startsWith("{")) {
            throw new IllegalArgumentException("boot source must be a JSON object");
        }
        if (d.entitledGroup() == null || d.entitledGroup().isBlank()) {
            throw new IllegalArgumentException("entitled group is required");
        }
    }
}
