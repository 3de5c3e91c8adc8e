package org.atrium.broker.host;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.config.BrokerConfig;
import org.atrium.broker.desktop.Desktop;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.jboss.logging.Logger;

/** The host registry: registration, heartbeats and what they tell about desktops. */
@ApplicationScoped
public class HostService {
    private static final Logger LOG = Logger.getLogger(HostService.class);

    private final HostRepository hosts;
    private final DesktopRepository desktops;
    private final BrokerConfig config;
    private volatile Instant startedAt = Instant.EPOCH;

    public HostService(HostRepository hosts, DesktopRepository desktops, BrokerConfig config) {
        this.hosts = hosts;
        this.desktops = desktops;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        startedAt = Instant.now();
    }

    public Duration heartbeatTimeout() {
        return config.hosts().heartbeatTimeout();
    }

    /** Registers a host or refreshes its registration (a restarted host registers again). */
    @Transactional
    public Host register(HostRegistration registration) {
        Instant now = Instant.now();
        Host host = hosts.findByIdOptional(registration.name()).orElseGet(Host::new);
        boolean fresh = host.name == null;
        host.name = registration.name();
        host.controlUrl = registration.controlUrl().replaceAll("/+$", "");
        host.rfbUrl =
                registration.rfbUrl() == null ? null : registration.rfbUrl().replaceAll("/+$", "");
        host.capacityMemoryMiB = registration.capacity().memoryMiB();
        host.capacityVms = registration.capacity().vms();
        host.freeMemoryMiB = registration.capacity().memoryMiB();
        host.snapshots = null;
        host.reportSnapshots(registration.snapshots());
        host.state = HostState.UP;
        host.registeredAt = now;
        host.lastHeartbeat = now;
        if (fresh) {
            hosts.persist(host);
        }
        LOG.infof("host %s registered at %s", host.name, host.controlUrl);
        return host;
    }

    /**
     * Records a heartbeat. A desktop being provisioned becomes READY once its host reports the VM
     * running and its guest up: a desktop offered while its kernel still boots shows the user a
     * black screen.
     */
    @Transactional
    public void heartbeat(String name, Heartbeat heartbeat) {
        Host host =
                hosts.findByIdOptional(name)
                        .orElseThrow(
                                () ->
                                        ProblemException.notFound(
                                                "host " + name + " is not registered"));
        if (host.state == HostState.DOWN) {
            LOG.infof("host %s is heartbeating again", name);
        }
        host.state = HostState.UP;
        host.lastHeartbeat = Instant.now();
        host.freeMemoryMiB = heartbeat.freeMemoryMiB();
        host.reportSnapshots(heartbeat.snapshots());
        Map<String, Heartbeat.VmReport> reported = new HashMap<>();
        heartbeat.vms().forEach(vm -> reported.put(vm.id(), vm));
        List<UUID> running = new ArrayList<>();
        for (Desktop desktop : desktops.listLiveOnHost(name)) {
            var vm = reported.get(desktop.id.toString());
            if (desktop.state == DesktopState.PROVISIONING
                    && vm != null
                    && isReady(vm.state(), vm.guestReady())) {
                running.add(desktop.id);
            }
        }
        // One conditional update, not dirty entities: a desktop read here as PROVISIONING may
        // meanwhile have become READY and been assigned; writing the stale entity back made it
        // READY again under a live session (found by BrokerKillIT).
        int promoted = desktops.promoteProvisioning(name, running);
        if (promoted > 0) {
            LOG.infof("%d desktop(s) ready on %s", promoted, name);
        }
    }

    @Transactional
    public Optional<Host> find(String name) {
        return hosts.findByIdOptional(name);
    }

    @Transactional
    public List<Host> upHosts() {
        return hosts.listUp();
    }

    /**
     * Marks hosts DOWN that missed heartbeats for longer than the timeout, and fails their desktops
     * so pools replace them.
     */
    @Transactional
    public List<String> markSilentHostsDown() {
        Instant now = Instant.now();
        Duration grace = config.hosts().startupGrace().orElse(config.hosts().heartbeatTimeout());
        if (now.isBefore(startedAt.plus(grace))) {
            // Heartbeats sent while this broker was down (a restart) went unheard: not the hosts'
            // fault. Without this, a restart slower than the timeout failed every desktop.
            return List.of();
        }
        Instant cutoff = now.minus(config.hosts().heartbeatTimeout());
        var silent = hosts.listSilentSince(cutoff);
        for (Host host : silent) {
            host.state = HostState.DOWN;
            LOG.warnf("host %s missed heartbeats since %s: DOWN", host.name, host.lastHeartbeat);
            for (Desktop desktop : desktops.listLiveOnHost(host.name)) {
                desktop.moveTo(DesktopState.FAILED);
            }
        }
        return silent.stream().map(h -> h.name).toList();
    }

    /**
     * The host API's VM state names are not fixed by the contract; any case of "running" counts.
     */
    /**
     * Whether a desktop may be offered: its VM runs and its guest is up. A host that does not
     * report the guest ({@code guestReady} null, hosts before the field) is taken at its VM state.
     */
    public static boolean isReady(String state, Boolean guestReady) {
        return isRunning(state) && !Boolean.FALSE.equals(guestReady);
    }

    public static boolean isRunning(String state) {
        return state != null && state.equalsIgnoreCase("running");
    }
}
