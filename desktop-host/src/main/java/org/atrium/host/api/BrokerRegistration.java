package org.atrium.host.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.atrium.host.vm.ResourceMeter;
import org.atrium.host.vm.VmSupervisor;

/**
 * Registers this host with the broker and sends heartbeats (docs/architecture.md, "Host
 * registration"), on a virtual thread. Registration is retried with exponential backoff while the
 * broker is not up; a heartbeat the broker answers with 401 or 404 (it forgot the host) leads to
 * registering again.
 */
public final class BrokerRegistration implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BrokerRegistration.class.getName());
    // Short: a host that starts before its broker should register soon after the broker is up.
    static final Duration MAX_BACKOFF = Duration.ofSeconds(4);

    /** What the broker is told about this host. */
    public record Settings(
            URI brokerUrl,
            String registrationSecret,
            String name,
            URI controlUrl,
            URI rfbUrl,
            Duration heartbeatInterval,
            Duration initialBackoff) {}

    private final Settings settings;
    private final VmSupervisor supervisor;
    private final ResourceMeter meter;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean registered;
    private volatile boolean stopped;
    private Thread thread;

    public BrokerRegistration(Settings settings, VmSupervisor supervisor, HttpClient http) {
        this.settings = settings;
        this.supervisor = supervisor;
        this.meter = new ResourceMeter(supervisor);
        this.http = http;
    }

    public synchronized void start() {
        thread = Thread.ofVirtual().name("atrium-broker-registration").start(this::run);
    }

    public boolean registered() {
        return registered;
    }

    private void run() {
        Duration backoff = settings.initialBackoff();
        while (!stopped) {
            try {
                if (!registered) {
                    int status = post("/api/v1/hosts/register", registration());
                    if (status / 100 == 2) {
                        registered = true;
                        backoff = settings.initialBackoff();
                        LOG.log(
                                System.Logger.Level.INFO,
                                "registered with the broker as {0}",
                                settings.name());
                    } else {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "broker refused registration: HTTP {0}",
                                status);
                    }
                } else {
                    int status =
                            post("/api/v1/hosts/" + settings.name() + "/heartbeat", heartbeat());
                    if (status == 401 || status == 404) registered = false;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.INFO, "broker not reachable: {0}", e.toString());
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (registered) {
                    Thread.sleep(settings.heartbeatInterval());
                } else {
                    Thread.sleep(backoff);
                    backoff = backoff.multipliedBy(2);
                    if (backoff.compareTo(MAX_BACKOFF) > 0) backoff = MAX_BACKOFF;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    Map<String, Object> registration() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", settings.name());
        body.put("controlUrl", settings.controlUrl().toString());
        body.put("rfbUrl", settings.rfbUrl().toString());
        body.put(
                "capacity",
                Map.of("memoryMiB", supervisor.maxGuestMemoryMiB(), "vms", supervisor.maxVms()));
        body.put("snapshots", supervisor.snapshotNames());
        return body;
    }

    /**
     * The VMs' states and the host's capacity in use: guest RAM committed and free, CPU load (of
     * all cores; each VM's of one core) over the last interval, and resident memory; and the
     * snapshots it holds, which the broker places instant clones by.
     */
    Map<String, Object> heartbeat() {
        ResourceMeter.HostUsage usage = meter.sample();
        List<Map<String, Object>> vms =
                usage.vmUsage().stream()
                        .map(
                                v -> {
                                    Map<String, Object> vm = new LinkedHashMap<>();
                                    vm.put("id", v.id());
                                    vm.put("state", v.state().name());
                                    vm.put("guestReady", v.guestReady());
                                    vm.put("memoryMiB", v.memoryMiB());
                                    vm.put("cpuLoad", round(v.cpuLoad()));
                                    return vm;
                                })
                        .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vms", vms);
        body.put("freeMemoryMiB", usage.freeMemoryMiB());
        body.put("committedMemoryMiB", usage.committedMemoryMiB());
        body.put("cpuLoad", round(usage.cpuLoad()));
        body.put("cores", usage.cores());
        body.put("residentMemoryMiB", usage.residentMemoryMiB());
        body.put("snapshots", supervisor.snapshotNames());
        return body;
    }

    private static double round(double load) {
        return Math.round(load * 10_000) / 10_000.0;
    }

    private int post(String path, Map<String, Object> body)
            throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(settings.brokerUrl().resolve(path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + settings.registrationSecret())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Override
    public synchronized void close() {
        stopped = true;
        if (thread != null) thread.interrupt();
    }
}
