package org.atrium.broker.reconciler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Two replicas (two lease objects, two holders) on one database: only one holds the lease. */
@QuarkusTest
class LeaderLeaseTest {
    @Inject EntityManager em;

    @Test
    void onlyOneHolderUntilTheLeaseExpires() {
        String name = "test-" + UUID.randomUUID();
        var first = new LeaderLease(em);
        var second = new LeaderLease(em);

        assertTrue(first.acquire(name, Duration.ofMinutes(5)));
        assertFalse(second.acquire(name, Duration.ofMinutes(5)));
        assertTrue(first.acquire(name, Duration.ofMinutes(5)), "the holder renews");

        QuarkusTransaction.requiringNew()
                .run(
                        () ->
                                em.createNativeQuery(
                                                "update lease set expires_at = now() - interval '1"
                                                        + " second' where name = ?1")
                                        .setParameter(1, name)
                                        .executeUpdate());
        assertTrue(second.acquire(name, Duration.ofMinutes(5)), "an expired lease is taken over");
        assertFalse(first.acquire(name, Duration.ofMinutes(5)));
    }
}
