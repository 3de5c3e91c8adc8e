package org.atrium.broker.auth;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs {@link KeycloakServer} with the test realm {@code atrium} for the test class that names this
 * resource, and points the broker's OIDC sign-in at it.
 */
public class KeycloakTestResource implements QuarkusTestResourceLifecycleManager {
    /** The client secret of {@code atrium-broker} in {@code keycloak/atrium-realm.json}. */
    static final String CLIENT_SECRET = "atrium-test-client-secret";

    private KeycloakServer server;

    @Override
    public Map<String, String> start() {
        String home = System.getProperty("atrium-test.keycloak-home");
        if (home == null) {
            throw new IllegalStateException(
                    "system property atrium-test.keycloak-home is unset (broker/pom.xml sets it)");
        }
        try {
            server = KeycloakServer.start(Path.of(home), "/keycloak/atrium-realm.json", "atrium");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Keycloak started", e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of(
                "atrium.oidc.enabled",
                "true",
                "atrium.oidc.issuer",
                server.issuer(),
                "atrium.oidc.client-id",
                "atrium-broker",
                "atrium.oidc.client-secret",
                CLIENT_SECRET);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
