package org.atrium.broker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Broker settings under {@code atrium}; every key is described in docs/broker.md. */
@ConfigMapping(prefix = "atrium")
public interface BrokerConfig {
    /** Where the broker keeps its database, keys and generated secrets. */
    @WithDefault(".atrium/state")
    Path stateDir();

    Database database();

    Hosts hosts();

    Tokens tokens();

    Reconciler reconciler();

    Bootstrap bootstrap();

    interface Database {
        /** Start the embedded PostgreSQL when no {@code quarkus.datasource.jdbc.url} is set. */
        @WithDefault("true")
        boolean embedded();
    }

    interface Hosts {
        /** Bearer secret hosts present to register; generated into the state directory if unset. */
        Optional<String> registrationSecret();

        /** Bearer secret the broker presents to host control APIs; state directory if unset. */
        Optional<String> controlSecret();

        /** A host with no heartbeat for this long is marked DOWN. */
        @WithDefault("PT15S")
        Duration heartbeatTimeout();

        /**
         * After the broker starts, how long before silent hosts may be marked DOWN; default: the
         * heartbeat timeout. A broker that was down could not hear the heartbeats it missed.
         */
        Optional<Duration> startupGrace();

        /** Timeout of one control call to a host. */
        @WithDefault("PT10S")
        Duration callTimeout();
    }

    interface Tokens {
        /** Lifetime of a connection token; the contract caps it at 60 s. */
        @WithDefault("PT60S")
        Duration ttl();
    }

    interface Reconciler {
        /** Whether this replica takes part in pool upkeep at all. */
        @WithDefault("true")
        boolean enabled();

        /** How long a replica holds the reconciler lease after its last renewal. */
        @WithDefault("PT15S")
        Duration leaseDuration();
    }

    interface Bootstrap {
        /** Create the demo tenants, users and pools on first start. */
        @WithDefault("true")
        boolean demo();

        /**
         * Boot source of the demo pool's desktops, as the host's control API takes it: the Debian
         * guest of {@code ./atrium guest build}, or {@code {"firmware":"seabios"}}.
         */
        @WithDefault("{\"linux\":\"debian-i386\"}")
        String demoBootSource();

        /** Guest RAM of each demo desktop; the Debian guest wants at least 64 MiB. */
        @WithDefault("128")
        int demoMemoryMib();

        /** Desktops in the demo pool, all kept ready. */
        @WithDefault("2")
        int demoPoolSize();
    }
}
