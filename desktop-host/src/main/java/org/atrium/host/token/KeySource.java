package org.atrium.host.token;

import java.security.interfaces.ECPublicKey;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** The broker's token-signing public keys by key id. Answers without blocking the caller. */
@FunctionalInterface
public interface KeySource {
    CompletionStage<Optional<ECPublicKey>> key(String kid);
}
