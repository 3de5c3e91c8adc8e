package org.atrium.broker.reconciler;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A named lease row: the holder renews it on every tick; another replica takes it over only after
 * it expired. One atomic upsert decides, so two replicas never both hold it.
 */
@ApplicationScoped
public class LeaderLease {
    private final EntityManager em;
    private final String holder = "broker-" + UUID.randomUUID();

    public LeaderLease(EntityManager em) {
        this.em = em;
    }

    public String holder() {
        return holder;
    }

    /** Takes or renews the lease; true if this replica holds it now. */
    public boolean acquire(String name, Duration duration) {
        return QuarkusTransaction.requiringNew()
                .call(
                        () ->
                                em.createNativeQuery(
                                                        "insert into lease (name, holder,"
                                                            + " expires_at) values (?1, ?2, ?3) on"
                                                            + " conflict (name) do update set"
                                                            + " holder = excluded.holder,"
                                                            + " expires_at = excluded.expires_at"
                                                            + " where lease.holder ="
                                                            + " excluded.holder or lease.expires_at"
                                                            + " < now()")
                                                .setParameter(1, name)
                                                .setParameter(2, holder)
                                                .setParameter(3, Instant.now().plus(duration))
                                                .executeUpdate()
                                        == 1);
    }
}
