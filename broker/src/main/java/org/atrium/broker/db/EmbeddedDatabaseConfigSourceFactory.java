package org.atrium.broker.db;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies the datasource settings of the embedded PostgreSQL server, and starts it, when the
 * datasource is first configured at run time.
 *
 * <p>Why a config source: Agroal, Flyway and Hibernate read {@code quarkus.datasource.jdbc.url}
 * while the application starts, before any CDI startup observer runs. Answering that key here is
 * the first moment we are sure the database is wanted and early enough for all of them. The source
 * is runtime-only (a {@link ConfigSourceFactory} is not consulted in static init) and has a low
 * ordinal, so an explicit {@code quarkus.datasource.jdbc.url} anywhere wins and no server starts.
 *
 * <p>It also supplies the HTTP session encryption key, kept in the state directory so sign-ins
 * survive restarts.
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {
    static final String URL = "quarkus.datasource.jdbc.url";
    static final String USERNAME = "quarkus.datasource.username";
    static final String STATE_DIR = "atrium.state-dir";
    static final String SESSION_KEY = "quarkus.http.auth.session.encryption-key";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String configured = valueOf(context.getValue(STATE_DIR));
        Path stateDir = configured != null ? Path.of(configured) : Path.of(".atrium", "state");
        boolean embedded =
                valueOf(context.getValue(URL)) == null
                        && !"false".equals(valueOf(context.getValue("atrium.database.embedded")));
        return List.of(new LazySource(stateDir, embedded));
    }

    @Override
    public java.util.OptionalInt getPriority() {
        return java.util.OptionalInt.of(50);
    }

    private static String valueOf(ConfigValue value) {
        return value == null || value.getValue() == null || value.getValue().isBlank()
                ? null
                : value.getValue();
    }

    /** Answers lazily: nothing starts until a key is actually read. */
    static final class LazySource implements ConfigSource {
        private final Path stateDir;
        private final boolean embedded;

        LazySource(Path stateDir, boolean embedded) {
            this.stateDir = stateDir;
            this.embedded = embedded;
        }

        /**
         * Empty on purpose: the Quarkus build records the values of the runtime keys it can
         * enumerate, which would start a server at build time and bake its URL into the app.
         * Lookups of these keys are by name, so they still reach {@link #getValue}.
         */
        @Override
        public Set<String> getPropertyNames() {
            return Set.of();
        }

        @Override
        public Map<String, String> getProperties() {
            return Map.of();
        }

        @Override
        public String getValue(String name) {
            return switch (name) {
                case STATE_DIR -> stateDir.toString();
                case URL -> embedded ? EmbeddedDatabase.jdbcUrl(stateDir) : null;
                case USERNAME -> embedded ? "postgres" : null;
                case SESSION_KEY -> StateDirectory.secret(stateDir.resolve("session-key"));
                default -> null;
            };
        }

        @Override
        public String getName() {
            return "atrium-embedded-database";
        }

        @Override
        public int getOrdinal() {
            return 50;
        }
    }
}
