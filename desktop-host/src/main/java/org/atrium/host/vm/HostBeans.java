package org.atrium.host.vm;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
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
    MachineFactory machineFactory(HostConfig config) {
        MachineFactory firmware = new FirmwareMachineFactory(config.firmwareDir());
        HostConfig.Linux guest = config.linux();
        MachineFactory linux =
                new LinuxMachineFactory(
                        guest.name(), guest.kernel(), guest.initrd(), guest.commandLine());
        return (id, spec) ->
                spec.linux() != null ? linux.create(id, spec) : firmware.create(id, spec);
    }

    @Produces
    @ApplicationScoped
    VmSupervisor supervisor(MachineFactory factory, HostConfig config) {
        return new VmSupervisor(
                factory, config.maxGuestMemory().asLongValue() / (1024 * 1024), config.maxVms());
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
