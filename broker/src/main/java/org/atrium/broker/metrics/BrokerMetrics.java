package org.atrium.broker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.broker.session.SessionRepository;

/**
 * The broker's Prometheus metrics: live sessions, desktops per pool and state, and how long an
 * assignment (a connect) takes. The gauges are counted from the database on a timer, not on each
 * scrape, so a scrape never waits for SQL. Pools are labelled by id only: tenant and pool names
 * stay out of an endpoint that operators scrape.
 */
@ApplicationScoped
public class BrokerMetrics {
    private final DesktopRepository desktops;
    private final SessionRepository sessions;
    private final AtomicLong liveSessions = new AtomicLong();
    private final MultiGauge poolLevels;
    private final Timer assignment;

    public BrokerMetrics(
            MeterRegistry registry, DesktopRepository desktops, SessionRepository sessions) {
        this.desktops = desktops;
        this.sessions = sessions;
        Gauge.builder("atrium.sessions.active", liveSessions, AtomicLong::get)
                .description("Live (connected or disconnected) desktop sessions")
                .register(registry);
        this.poolLevels =
                MultiGauge.builder("atrium.pool.desktops")
                        .description("Desktops of each pool by state")
                        .register(registry);
        this.assignment =
                Timer.builder("atrium.assignment")
                        .description("Time to answer a connect: assignment and token")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry);
    }

    public Timer assignment() {
        return assignment;
    }

    @Scheduled(every = "${atrium.metrics.interval:5s}", identity = "broker-metrics")
    void scheduledRefresh() {
        refresh();
    }

    /** Counts sessions and desktops again. */
    public void refresh() {
        record Level(UUID pool, DesktopState state, long count) {}
        List<Level> levels = new ArrayList<>();
        long live =
                QuarkusTransaction.requiringNew()
                        .call(
                                () -> {
                                    for (Object[] row : desktops.countByPoolAndState()) {
                                        levels.add(
                                                new Level(
                                                        (UUID) row[0],
                                                        (DesktopState) row[1],
                                                        (Long) row[2]));
                                    }
                                    return sessions.countLiveAllTenants();
                                });
        liveSessions.set(live);
        poolLevels.register(
                levels.stream()
                        .map(
                                l ->
                                        MultiGauge.Row.of(
                                                Tags.of(
                                                        "pool",
                                                        l.pool().toString(),
                                                        "state",
                                                        l.state().name()),
                                                l.count()))
                        .toList(),
                true);
    }
}
