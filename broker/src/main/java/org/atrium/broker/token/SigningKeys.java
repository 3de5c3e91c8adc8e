package org.atrium.broker.token;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The broker's ES256 signing key: generated once, then loaded from the database. */
@ApplicationScoped
public class SigningKeys {
    /** A loaded key with its id. */
    public record Loaded(String kid, ECPrivateKey privateKey, ECPublicKey publicKey) {}

    private volatile Loaded current;

    /**
     * Loads the key at start. Loaded lazily by the first connects instead, each of them held a
     * pooled connection while waiting for another one to load the key: under a logon storm the pool
     * ran dry and connects failed with acquisition timeouts (found by BrokerKillIT).
     */
    void onStart(@Observes StartupEvent event) {
        current();
    }

    public Loaded current() {
        Loaded loaded = current;
        if (loaded == null) {
            synchronized (this) {
                if (current == null) {
                    current = loadOrCreate();
                }
                loaded = current;
            }
        }
        return loaded;
    }

    private static Loaded loadOrCreate() {
        return QuarkusTransaction.requiringNew()
                .call(
                        () -> {
                            // Serialises first starts of several replicas on the same database.
                            SigningKey.getEntityManager()
                                    .createNativeQuery(
                                            "lock table signing_key in share row exclusive mode")
                                    .executeUpdate();
                            List<SigningKey> keys = SigningKey.list("order by createdAt desc");
                            SigningKey key = keys.isEmpty() ? create() : keys.getFirst();
                            return decode(key);
                        });
    }

    private static SigningKey create() throws GeneralSecurityException {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        var key = new SigningKey();
        key.publicX509 = pair.getPublic().getEncoded();
        key.privatePkcs8 = pair.getPrivate().getEncoded();
        key.kid = kidOf(key.publicX509);
        key.createdAt = Instant.now();
        key.persist();
        return key;
    }

    private static Loaded decode(SigningKey key) throws GeneralSecurityException {
        var factory = KeyFactory.getInstance("EC");
        return new Loaded(
                key.kid,
                (ECPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(key.privatePkcs8)),
                (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(key.publicX509)));
    }

    /** A key id derived from the public key, so it is the same wherever the key is loaded. */
    private static String kidOf(byte[] publicX509) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicX509);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
    }
}
