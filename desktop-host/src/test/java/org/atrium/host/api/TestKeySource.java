package org.atrium.host.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.atrium.host.token.KeySource;
import org.atrium.host.token.TestTokens;

/** The broker's JWKS is not running in this test: its key pair is generated here instead. */
@ApplicationScoped
public class TestKeySource implements KeySource {
    static final TestTokens BROKER = new TestTokens("broker-1");

    @Override
    public CompletionStage<Optional<ECPublicKey>> key(String kid) {
        return CompletableFuture.completedFuture(
                kid.equals(BROKER.kid) ? Optional.of(BROKER.publicKey()) : Optional.empty());
    }
}
