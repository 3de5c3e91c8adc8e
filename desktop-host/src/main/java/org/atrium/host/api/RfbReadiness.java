package org.atrium.host.api;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the RFB WebSocket listener is bound: without it no desktop can be shown. */
@Readiness
@ApplicationScoped
public class RfbReadiness implements HealthCheck {
    private final RfbEndpoint endpoint;

    public RfbReadiness(RfbEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public HealthCheckResponse call() {
        var address = endpoint.address();
        return HealthCheckResponse.named("rfb-websocket")
                .status(address != null)
                .withData("port", address == null ? -1 : address.getPort())
                .build();
    }
}
