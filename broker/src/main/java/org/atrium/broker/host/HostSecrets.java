package org.atrium.broker.host;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.config.BrokerConfig;
import org.atrium.broker.db.StateDirectory;

/**
 * The two shared secrets between broker and hosts. When not configured they are generated once into
 * the state directory ({@code host-registration-secret}, {@code host-control-secret}) where a
 * launcher on the same machine can hand them to its hosts.
 */
@ApplicationScoped
public class HostSecrets {
    private final String registration;
    private final String control;

    public HostSecrets(BrokerConfig config) {
        var hosts = config.hosts();
        this.registration =
                hosts.registrationSecret()
                        .orElseGet(
                                () ->
                                        StateDirectory.secret(
                                                config.stateDir()
                                                        .resolve("host-registration-secret")));
        this.control =
                hosts.controlSecret()
                        .orElseGet(
                                () ->
                                        StateDirectory.secret(
                                                config.stateDir().resolve("host-control-secret")));
    }

    /** The bearer secret this broker presents to host control APIs. */
    public String control() {
        return control;
    }

    /** Refuses unless the Authorization header carries the registration secret. */
    public void requireRegistration(String authorization) {
        String expected = "Bearer " + registration;
        if (authorization == null
                || !MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8),
                        authorization.getBytes(StandardCharsets.UTF_8))) {
            throw ProblemException.unauthorized("registration secret missing or wrong");
        }
    }
}
