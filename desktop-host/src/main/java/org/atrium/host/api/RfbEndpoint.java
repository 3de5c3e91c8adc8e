package org.atrium.host.api;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetSocketAddress;
import org.atrium.host.HostConfig;
import org.atrium.host.rfb.RfbServer;
import org.atrium.host.token.ConnectionTokenVerifier;
import org.atrium.host.vm.VmSupervisor;

/**
 * Runs the RFB-over-WebSocket listener on its own Netty port (docs/adr, host RFB server) for the
 * life of the application, and stops the VMs when the host stops.
 */
@ApplicationScoped
public class RfbEndpoint {
    private static final System.Logger LOG = System.getLogger(RfbEndpoint.class.getName());
    private final HostConfig config;
    private final ConnectionTokenVerifier verifier;
    private final VmSupervisor supervisor;
    private RfbServer server;
    private volatile InetSocketAddress address;

    public RfbEndpoint(
            HostConfig config, ConnectionTokenVerifier verifier, VmSupervisor supervisor) {
        this.config = config;
        this.verifier = verifier;
        this.supervisor = supervisor;
    }

    void start(@Observes StartupEvent event) throws InterruptedException {
        server = new RfbServer(Math.max(1, Runtime.getRuntime().availableProcessors()));
        address =
                server.bindWebSocket(
                        new InetSocketAddress(config.rfbWsHost(), config.rfbWsPort()),
                        new VmWebSocketAdmission(verifier, supervisor),
                        config.maxFramePayload());
        LOG.log(System.Logger.Level.INFO, "RFB over WebSocket on {0}", address);
    }

    void stop(@Observes ShutdownEvent event) {
        supervisor.stopAll();
        if (server != null) server.close();
    }

    /** Where the listener is bound (its port, when configured as 0). */
    public InetSocketAddress address() {
        return address;
    }
}
