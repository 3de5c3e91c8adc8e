package org.atrium.broker;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.atrium.broker.bootstrap.DemoBootstrap;
import org.atrium.broker.config.BrokerConfig;
import org.atrium.broker.host.HostRepository;
import org.atrium.broker.host.HostState;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.Role;
import org.atrium.provisioning.pool.Pool;
import org.atrium.provisioning.pool.PoolDefinition;
import org.atrium.provisioning.pool.PoolKind;
import org.atrium.provisioning.pool.PoolService;
import org.atrium.provisioning.tenant.Tenant;
import org.atrium.provisioning.tenant.TenantService;

/**
 * Test data made through the real services. Every test makes its own tenant, so tests sharing the
 * one database of a test run never see each other's data.
 */
@ApplicationScoped
public class Fixtures {
    /** A user a test can sign in as. */
    public record User(UUID id, String username, String password) {}

    private final TenantService tenants;
    private final PoolService pools;
    private final IdentityService identities;
    private final HostRepository hosts;
    private final BrokerConfig config;

    public Fixtures(
            TenantService tenants,
            PoolService pools,
            IdentityService identities,
            HostRepository hosts,
            BrokerConfig config) {
        this.tenants = tenants;
        this.pools = pools;
        this.identities = identities;
        this.hosts = hosts;
        this.config = config;
    }

    public Tenant tenant() {
        return tenants.create("t-" + UUID.randomUUID().toString().substring(0, 8), "Test");
    }

    public Pool pool(UUID tenantId, int size, String group) {
        return pool(tenantId, size, group, "{\"firmware\":\"seabios\"}");
    }

    /** A pooled pool of {@code size} desktops, all kept warm, booted from {@code bootSource}. */
    public Pool pool(UUID tenantId, int size, String group, String bootSource) {
        return pools.define(
                tenantId,
                new PoolDefinition(
                        "pool-" + UUID.randomUUID().toString().substring(0, 8),
                        PoolKind.POOLED,
                        size,
                        size,
                        32,
                        bootSource,
                        group));
    }

    public User user(UUID tenantId, String... groups) {
        return account(tenantId, List.of(Role.USER), groups);
    }

    public User tenantAdmin(UUID tenantId, String... groups) {
        return account(tenantId, List.of(Role.USER, Role.TENANT_ADMIN), groups);
    }

    public User platformAdmin(UUID tenantId) {
        return account(tenantId, List.of(Role.PLATFORM_ADMIN));
    }

    private User account(UUID tenantId, List<Role> roles, String... groups) {
        String username = "u-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        var identity = identities.createUser(tenantId, username, password, roles, List.of(groups));
        return new User(identity.userId(), username, password);
    }

    /** The demo accounts the bootstrap wrote to the state directory. */
    public Properties demoCredentials() throws IOException {
        var properties = new Properties();
        properties.load(
                new StringReader(
                        Files.readString(
                                config.stateDir().resolve(DemoBootstrap.CREDENTIALS_FILE))));
        return properties;
    }

    /** Takes a test's host out of placement once the test is done with its fake. */
    public void retireHost(String name) {
        QuarkusTransaction.requiringNew()
                .run(
                        () ->
                                hosts.findByIdOptional(name)
                                        .ifPresent(
                                                h -> {
                                                    h.state = HostState.DOWN;
                                                    h.lastHeartbeat = Instant.EPOCH;
                                                }));
    }
}
