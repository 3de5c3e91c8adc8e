package org.atrium.provisioning.identity;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Built-in sign-in settings, under {@code atrium.identity}. */
@ConfigMapping(prefix = "atrium.identity")
public interface IdentityConfig {
    /** Wrong passwords in a row that lock an account. */
    @WithDefault("5")
    int maxFailedAttempts();

    /** How long a locked account refuses every password. */
    @WithDefault("PT15M")
    Duration lockoutDuration();

    /** PBKDF2 iterations for new hashes. */
    @WithDefault("210000")
    int passwordIterations();
}
