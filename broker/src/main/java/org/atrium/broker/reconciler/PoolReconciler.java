package org.atrium.broker.reconciler;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.config.BrokerConfig;
import org.atrium.broker.desktop.Desktop;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.broker.host.Host;
import org.atrium.broker.host.HostClient;
import org.atrium.broker.host.HostRepository;
import org.atrium.broker.host.HostService;
import org.atrium.broker.session.SessionRepository;
import org.atrium.broker.token.TokenService;
import org.atrium.provisioning.pool.Pool;
import org.atrium.provisioning.pool.PoolService;
import org.jboss.logging.Logger;

/**
 * Pool upkeep, like a Kubernetes controller: compares what each pool wants with what exists and
 * closes the gap a step per tick. Database work happens in short transactions; host calls happen
 * between them, never inside one. Only the replica holding the lease runs a tick.
 */
@ApplicationScoped
public class PoolReconciler {
    static final String LEASE = "reconciler";
    private static final Logger LOG = Logger.getLogger(PoolReconciler.class);

    private final BrokerConfig config;
    private final LeaderLease lease;
    private final HostService hostService;
    private final HostRepository hosts;
    private final HostClient hostClient;
    private final DesktopRepository desktops;
    private final SessionRepository sessions;
    private final PoolService pools;
    private final TokenService tokens;
    // Pools of instant clones whose snapshot no host holds, warned of until a desktop is placed.
    private final Set<UUID> unplaceable = ConcurrentHashMap.newKeySet();

    public PoolReconciler(
            BrokerConfig config,
            LeaderLease lease,
            HostService hostService,
            HostRepository hosts,
            HostClient hostClient,
            DesktopRepository desktops,
            SessionRepository sessions,
            PoolService pools,
            TokenService tokens) {
        this.config = config;
        this.lease = lease;
        this.hostService = hostService;
        this.hosts = hosts;
        this.hostClient = hostClient;
        this.desktops = desktops;
        this.sessions = sessions;
        this.pools = pools;
        this.tokens = tokens;
    }

    @Scheduled(
            identity = "pool-reconciler",
            every = "${atrium.reconciler.interval:3s}",
            delayed = "${atrium.reconciler.initial-delay:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!config.reconciler().enabled()) {
            return;
        }
        try {
            if (lease.acquire(LEASE, config.reconciler().leaseDuration())) {
                reconcile();
            }
        } catch (RuntimeException e) {
            LOG.warn("reconciler tick failed; retrying next tick", e);
        }
    }

    /** One pass over hosts and pools. */
    public void reconcile() {
        hostService.markSilentHostsDown();
        QuarkusTransaction.requiringNew().run(sessions::endOnFailedDesktops);
        recycle();
        promoteRunning();
        Set<String> refusing = new HashSet<>();
        for (Pool pool : pools.allPools()) {
            fill(pool, refusing);
        }
        tokens.purgeExpired();
    }

    /** Pooled desktops after logoff: discard the VM and start a clean one under the same id. */
    private void recycle() {
        for (var job : jobs(DesktopState.RECYCLING)) {
            try {
                hostClient.deleteVm(job.controlUrl(), job.desktopId());
                hostClient.createVm(job.controlUrl(), job.desktopId(), job.memoryMiB(), job.boot());
                transition(job.desktopId(), DesktopState.RECYCLING, DesktopState.PROVISIONING);
            } catch (ProblemException e) {
                LOG.warnf("recycling desktop %s failed: %s", job.desktopId(), e.getMessage());
            }
        }
    }

    /** Asks hosts about desktops still provisioning, so READY does not wait for a heartbeat. */
    private void promoteRunning() {
        for (var job : jobs(DesktopState.PROVISIONING)) {
            try {
                Optional<HostClient.VmStatus> vm = hostClient.vm(job.controlUrl(), job.desktopId());
                if (vm.isPresent()
                        && HostService.isReady(vm.get().state(), vm.get().guestReady())) {
                    transition(job.desktopId(), DesktopState.PROVISIONING, DesktopState.READY);
                } else if (vm.isEmpty()) {
                    // The host lost it (or never got it): ask again; PUT is idempotent.
                    hostClient.createVm(
                            job.controlUrl(), job.desktopId(), job.memoryMiB(), job.boot());
                }
            } catch (ProblemException e) {
                LOG.debugf("desktop %s not ready yet: %s", job.desktopId(), e.getMessage());
            }
        }
    }

    /**
     * Creates the desktops a pool lacks: min(size, assigned + warm buffer). A host that refuses is
     * left out for the rest of the tick so the others still get the work.
     */
    private void fill(Pool pool, Set<String> refusing) {
        long live = countIn(pool.id, DesktopState.LIVE);
        long assigned = countIn(pool.id, List.of(DesktopState.ASSIGNED));
        long desired = Math.min(pool.size, assigned + pool.warmBuffer);
        while (live < desired) {
            Optional<Desktop> placed =
                    QuarkusTransaction.requiringNew().call(() -> place(pool, refusing));
            if (placed.isEmpty()) {
                LOG.debugf("no host has room for a desktop of pool %s", pool.name);
                return;
            }
            unplaceable.remove(pool.id);
            Desktop desktop = placed.get();
            String controlUrl =
                    QuarkusTransaction.requiringNew()
                            .call(() -> hosts.findById(desktop.hostName).controlUrl);
            try {
                hostClient.createVm(controlUrl, desktop.id, pool.memoryMiB, pool.bootSource);
                LOG.infof(
                        "desktop %s of pool %s provisioning on %s",
                        desktop.id, pool.name, desktop.hostName);
                live++;
            } catch (ProblemException e) {
                LOG.warnf(
                        "host %s refused desktop %s: %s",
                        desktop.hostName, desktop.id, e.getMessage());
                transition(desktop.id, DesktopState.PROVISIONING, DesktopState.FAILED);
                refusing.add(desktop.hostName);
            }
        }
    }

    /**
     * Picks the UP host with the fewest desktops that still has a VM slot and memory for the pool
     * (spread placement), and records the new desktop there as PROVISIONING. A pool of instant
     * clones goes only to hosts that said they hold its snapshot: another host would refuse each
     * desktop, and as the least loaded it would be picked again on every tick.
     */
    private Optional<Desktop> place(Pool pool, Set<String> refusing) {
        Optional<String> snapshot = hostClient.snapshotOf(pool.bootSource);
        List<Host> candidates = new ArrayList<>();
        Map<String, Integer> load = new HashMap<>();
        boolean held = false;
        for (Host host : hosts.listUp()) {
            if (snapshot.isPresent()) {
                if (!host.holdsSnapshot(snapshot.get())) {
                    continue;
                }
                held = true;
            }
            if (refusing.contains(host.name)) {
                continue;
            }
            var onHost = desktops.listLiveOnHost(host.name);
            long memoryInUse = (long) onHost.size() * pool.memoryMiB;
            if (onHost.size() < host.capacityVms
                    && host.capacityMemoryMiB - memoryInUse >= pool.memoryMiB) {
                candidates.add(host);
                load.put(host.name, onHost.size());
            }
        }
        if (snapshot.isPresent() && !held && unplaceable.add(pool.id)) {
            LOG.warnf(
                    "no host that is up holds snapshot %s of pool %s: its desktops wait for one",
                    snapshot.get(), pool.name);
        }
        return candidates.stream()
                .min(Comparator.comparing((Host h) -> load.get(h.name)).thenComparing(h -> h.name))
                .map(
                        host -> {
                            var desktop = new Desktop();
                            desktop.id = UUID.randomUUID();
                            desktop.tenantId = pool.tenantId;
                            desktop.poolId = pool.id;
                            desktop.hostName = host.name;
                            desktop.createdAt = Instant.now();
                            desktop.moveTo(DesktopState.PROVISIONING);
                            desktops.persist(desktop);
                            return desktop;
                        });
    }

    /** Work for the host calls of one desktop, read in a transaction and used outside it. */
    private record Job(UUID desktopId, String controlUrl, int memoryMiB, String boot) {}

    private List<Job> jobs(DesktopState state) {
        return QuarkusTransaction.requiringNew()
                .call(
                        () -> {
                            List<Job> jobs = new ArrayList<>();
                            for (Desktop desktop : desktops.listInState(state)) {
                                var host = hosts.findByIdOptional(desktop.hostName);
                                var pool = pools.findInTenant(desktop.tenantId, desktop.poolId);
                                if (host.isPresent() && pool.isPresent()) {
                                    jobs.add(
                                            new Job(
                                                    desktop.id,
                                                    host.get().controlUrl,
                                                    pool.get().memoryMiB,
                                                    pool.get().bootSource));
                                }
                            }
                            return jobs;
                        });
    }

    private long countIn(UUID poolId, List<DesktopState> states) {
        return QuarkusTransaction.requiringNew().call(() -> desktops.countInPool(poolId, states));
    }

    /** Moves a desktop on only if nobody moved it meanwhile (one conditional update). */
    private void transition(UUID desktopId, DesktopState from, DesktopState to) {
        QuarkusTransaction.requiringNew()
                .run(
                        () ->
                                desktops.update(
                                        "state = ?1, updatedAt = ?2 where id = ?3 and state = ?4",
                                        to,
                                        Instant.now(),
                                        desktopId,
                                        from));
    }
}
