package org.atrium.host.vm;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.atrium.host.HostConfig;
import org.atrium.host.token.ConnectionTokenVerifier;
import org.atrium.host.token.JtiRegistry;
import org.atrium.host.token.JwksKeySource;
import org.atrium.host.token.KeySource;

/** CDI wiring of the plain classes: supervisor, machine factory, token verifier. */
@ApplicationScoped
public class HostBeans {

    @Produces
    @DefaultBean
    @ApplicationScoped
    MachineFactory machineFactory(HostConfig config, SnapshotStore snapshots, DiskStore disks) {
        HostConfig.Linux guest = config.linux();
        return new PcMachineFactory(
                config.firmwareDir(),
                config.imageDir().orElse(null),
                snapshots,
                new LinuxMachineFactory(
                        guest.name(), guest.kernel(), guest.initrd(), guest.commandLine()),
                disks,
                new MachineTuning(config.cpuDecodedBlocks(), config.idleTimerSlack()),
                config.snapshotWarmUp());
    }

    void closeMachineFactory(@Disposes MachineFactory factory) {
        factory.close();
    }

    @Produces
    @ApplicationScoped
    DiskStore diskStore(HostConfig config) {
        return new DiskStore(config.imageStore().orElse(config.stateDir().resolve("images")));
    }

    @Produces
    @ApplicationScoped
    SnapshotStore snapshotStore(HostConfig config) {
        return new SnapshotStore(
                config.snapshotDir().orElse(config.stateDir().resolve("snapshots")));
    }

    @Produces
    @ApplicationScoped
    VmSupervisor supervisor(
            MachineFactory factory, HostConfig config, SnapshotStore snapshots, DiskStore disks) {
        return new VmSupervisor(
                factory,
                config.maxGuestMemory().asLongValue() / (1024 * 1024),
                config.maxVms(),
                snapshots,
                config.cloneIdentityCommand(),
                disks);
    }

    @Produces
    @ApplicationScoped
    ResourceMeter resourceMeter(VmSupervisor supervisor) {
        return new ResourceMeter(supervisor);
    }

    @Produces
    @ApplicationScoped
    HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    KeySource keySource(HostConfig config, HttpClient http) {
        return config.brokerUrl()
                .<KeySource>map(url -> new JwksKeySource(http, url, Clock.systemUTC()))
                .orElse(
                        kid ->
                                java.util.concurrent.CompletableFuture.failedFuture(
                                        new IllegalStateException(
                                                "atrium.host.broker-url is not set: no token"
                                                        + " keys")));
    }

    @Produces
    @ApplicationScoped
    ConnectionTokenVerifier tokenVerifier(KeySource keys, HostConfig config) {
        return new ConnectionTokenVerifier(
                keys, config.name(), new JtiRegistry(), Clock.systemUTC());
    }
}
