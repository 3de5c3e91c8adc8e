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

    /**
     * Password sign-ins checked at once, each hashing on one core; the rest wait their turn. 0
     * means one per available processor, so hashing never takes every core's time from other
     * requests by sheer thread count.
     */
    @WithDefault("0")
    int signInThreads();
}
