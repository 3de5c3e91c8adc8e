package org.atrium.host.api;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.atrium.host.HostConfig;
import org.atrium.host.vm.VmSupervisor;

/** Starts broker registration when {@code atrium.host.broker-url} is set; nothing otherwise. */
@ApplicationScoped
public class BrokerRegistrationLifecycle {
    private static final System.Logger LOG =
            System.getLogger(BrokerRegistrationLifecycle.class.getName());
    private BrokerRegistration registration;

    void start(
            @Observes StartupEvent event,
            HostConfig config,
            VmSupervisor supervisor,
            HttpClient http) {
        if (config.brokerUrl().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "atrium.host.broker-url not set: not registering");
            return;
        }
        String secret =
                config.registrationSecret()
                        .orElseThrow(
                                () ->
                                        new IllegalStateException(
                                                "atrium.host.registration-secret is required with"
                                                        + " atrium.host.broker-url"));
        registration =
                new BrokerRegistration(
                        new BrokerRegistration.Settings(
                                config.brokerUrl().get(),
                                secret,
                                config.name(),
                                config.publicUrl(),
                                rfbUrl(config),
                                config.heartbeatInterval(),
                                Duration.ofSeconds(1)),
                        supervisor,
                        http);
        registration.start();
    }

    /**
     * Where the broker's gateway opens RFB WebSockets to this host; the listener has its own port.
     */
    static URI rfbUrl(HostConfig config) {
        return config.rfbPublicUrl()
                .orElseGet(
                        () ->
                                URI.create(
                                        "ws://"
                                                + config.publicUrl().getHost()
                                                + ":"
                                                + config.rfbWsPort()));
    }

    void stop(@Observes ShutdownEvent event) {
        if (registration != null) registration.close();
    }
}
