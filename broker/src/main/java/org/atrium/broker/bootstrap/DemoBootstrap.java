package org.atrium.broker.bootstrap;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.atrium.broker.config.BrokerConfig;
import org.atrium.broker.db.StateDirectory;
import org.atrium.provisioning.identity.IdentityService;
import org.atrium.provisioning.identity.Role;
import org.atrium.provisioning.pool.PoolDefinition;
import org.atrium.provisioning.pool.PoolKind;
import org.atrium.provisioning.pool.PoolService;
import org.atrium.provisioning.tenant.TenantService;
import org.jboss.logging.Logger;

/**
 * On first start (no {@code demo} tenant yet) creates the demo tenant with a user, an admin and a
 * pool of desktops (by default two of the Debian guest; {@code atrium.bootstrap.demo-*} keys), an
 * empty pool only the admin may use, plus a second tenant whose pool the demo user may not use. The
 * generated passwords are logged once and written to {@code demo-credentials.txt} (mode 600) in the
 * state directory.
 */
@ApplicationScoped
public class DemoBootstrap {
    public static final String DEMO_TENANT = "demo";
    public static final String DEMO_USER = "demo";
    public static final String DEMO_ADMIN = "demo-admin";
    public static final String DEMO_GROUP = "demo-users";
    public static final String DEMO_POOL = "Demo desktops";
    public static final String ADMIN_GROUP = "demo-admins";
    public static final String ADMIN_POOL = "Administrators' desktops";
    public static final String OTHER_TENANT = "other";
    public static final String OTHER_POOL = "Other tenant desktops";
    public static final String OTHER_USER = "other-user";
    public static final String OTHER_GROUP = "other-users";
    public static final String PLATFORM_TENANT = "platform";
    public static final String PLATFORM_ADMIN = "platform-admin";
    public static final String CREDENTIALS_FILE = "demo-credentials.txt";

    private static final Logger LOG = Logger.getLogger(DemoBootstrap.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET =
            "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final TenantService tenants;
    private final PoolService pools;
    private final IdentityService identities;
    private final BrokerConfig config;

    public DemoBootstrap(
            TenantService tenants,
            PoolService pools,
            IdentityService identities,
            BrokerConfig config) {
        this.tenants = tenants;
        this.pools = pools;
        this.identities = identities;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.bootstrap().demo()) {
            return;
        }
        String userPassword = password();
        String adminPassword = password();
        String otherPassword = password();
        String platformPassword = password();
        boolean created =
                QuarkusTransaction.requiringNew()
                        .call(
                                () -> {
                                    if (tenants.findByName(DEMO_TENANT).isPresent()) {
                                        return false;
                                    }
                                    createDemo(
                                            userPassword,
                                            adminPassword,
                                            otherPassword,
                                            platformPassword);
                                    // Written before the commit: a start killed in between
                                    // creates the demo again and overwrites the file, so the
                                    // file never names passwords the database does not have.
                                    writeCredentials(
                                            userPassword,
                                            adminPassword,
                                            otherPassword,
                                            platformPassword);
                                    return true;
                                });
        if (created) {
            announce(userPassword, adminPassword);
        }
    }

    private void createDemo(
            String userPassword,
            String adminPassword,
            String otherPassword,
            String platformPassword) {
        var demo = tenants.create(DEMO_TENANT, "Demo");
        pools.define(
                demo.id,
                new PoolDefinition(
                        DEMO_POOL,
                        PoolKind.POOLED,
                        config.bootstrap().demoPoolSize(),
                        config.bootstrap().demoPoolSize(),
                        config.bootstrap().demoMemoryMib(),
                        config.bootstrap().demoBootSource(),
                        DEMO_GROUP));
        identities.createUser(
                demo.id, DEMO_USER, userPassword, List.of(Role.USER), List.of(DEMO_GROUP));
        identities.createUser(
                demo.id,
                DEMO_ADMIN,
                adminPassword,
                List.of(Role.USER, Role.TENANT_ADMIN),
                List.of(DEMO_GROUP, ADMIN_GROUP));
        // A pool of the demo tenant the demo user is not entitled to; size 0 like the other one.
        pools.define(
                demo.id,
                new PoolDefinition(
                        ADMIN_POOL,
                        PoolKind.POOLED,
                        0,
                        0,
                        32,
                        "{\"firmware\":\"seabios\"}",
                        ADMIN_GROUP));
        var other = tenants.create(OTHER_TENANT, "Other");
        // Size 0: it exists to prove refusal, not to take host capacity.
        pools.define(
                other.id,
                new PoolDefinition(
                        OTHER_POOL,
                        PoolKind.POOLED,
                        0,
                        0,
                        32,
                        "{\"firmware\":\"seabios\"}",
                        OTHER_GROUP));
        identities.createUser(
                other.id, OTHER_USER, otherPassword, List.of(Role.USER), List.of(OTHER_GROUP));
        // Every account belongs to a tenant; the platform admin's own has no pools.
        var platform = tenants.create(PLATFORM_TENANT, "Platform operators");
        identities.createUser(
                platform.id,
                PLATFORM_ADMIN,
                platformPassword,
                List.of(Role.PLATFORM_ADMIN),
                List.of());
    }

    private void writeCredentials(
            String userPassword,
            String adminPassword,
            String otherPassword,
            String platformPassword) {
        Path file = config.stateDir().resolve(CREDENTIALS_FILE);
        String content =
                "# Atrium demo accounts, generated on first start. Sign in at /login.html.\n"
                        + "demo.user.username="
                        + DEMO_USER
                        + "\ndemo.user.password="
                        + userPassword
                        + "\ndemo.admin.username="
                        + DEMO_ADMIN
                        + "\ndemo.admin.password="
                        + adminPassword
                        + "\n# A user of a second tenant, whose pool the demo user may not use.\n"
                        + "other.user.username="
                        + OTHER_USER
                        + "\nother.user.password="
                        + otherPassword
                        + "\n# The platform administrator (tenants and hosts).\n"
                        + "platform.admin.username="
                        + PLATFORM_ADMIN
                        + "\nplatform.admin.password="
                        + platformPassword
                        + "\n";
        try {
            StateDirectory.writePrivate(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void announce(String userPassword, String adminPassword) {
        Path file = config.stateDir().resolve(CREDENTIALS_FILE);
        LOG.infof(
                "%n==================== Atrium demo accounts (shown once) ====================%n "
                    + " user:  %s / %s%n  admin: %s / %s%n  also written to %s"
                    + "%n==========================================================================",
                DEMO_USER, userPassword, DEMO_ADMIN, adminPassword, file.toAbsolutePath());
    }

    private static String password() {
        var out = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
