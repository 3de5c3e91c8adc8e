package org.atrium.broker.gateway;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.UUID;
import org.atrium.broker.auth.Caller;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.broker.host.HostClient;
import org.atrium.broker.host.HostRepository;
import org.atrium.broker.host.HostState;
import org.atrium.broker.session.SessionRepository;
import org.atrium.broker.token.TokenClaims;
import org.atrium.broker.token.TokenException;
import org.atrium.broker.token.TokenService;
import org.jboss.logging.Logger;

/** Decides whether a browser may open a desktop's socket, and where the proxy connects. */
@ApplicationScoped
public class GatewayService {
    private static final Logger LOG = Logger.getLogger(GatewayService.class);

    /** Where to connect, and for whom. */
    public record Admission(URI hostSocket, UUID tenantId, UUID desktopId) {}

    private final TokenService tokens;
    private final SessionRepository sessions;
    private final DesktopRepository desktops;
    private final HostRepository hosts;

    public GatewayService(
            TokenService tokens,
            SessionRepository sessions,
            DesktopRepository desktops,
            HostRepository hosts) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.desktops = desktops;
        this.hosts = hosts;
    }

    /**
     * Checks the token (signature, expiry, desktop binding), that it was issued to the signed-in
     * caller, that the caller's tenant holds a live session on the desktop, then consumes it.
     */
    public Admission admit(Caller caller, String desktopIdText, String token) {
        UUID desktopId;
        try {
            desktopId = UUID.fromString(desktopIdText);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no desktop " + desktopIdText);
        }
        TokenClaims claims;
        try {
            claims = tokens.verify(token, desktopId);
        } catch (TokenException e) {
            LOG.infof("gateway refused desktop %s: %s", desktopId, e.getMessage());
            throw ProblemException.forbidden("connection token refused: " + e.getMessage());
        }
        if (!claims.sub().equals(caller.userId()) || !claims.tid().equals(caller.tenantId())) {
            throw ProblemException.forbidden("connection token was issued to someone else");
        }
        URI target =
                QuarkusTransaction.requiringNew().call(() -> hostSocket(claims, desktopId, token));
        try {
            tokens.consume(claims);
        } catch (TokenException e) {
            throw ProblemException.forbidden("connection token refused: " + e.getMessage());
        }
        return new Admission(target, claims.tid(), desktopId);
    }

    private URI hostSocket(TokenClaims claims, UUID desktopId, String token) {
        sessions.findLiveOnDesktop(claims.tid(), desktopId)
                .filter(s -> s.userId.equals(claims.sub()))
                .orElseThrow(() -> ProblemException.forbidden("no live session on this desktop"));
        var desktop =
                desktops.findInTenant(claims.tid(), desktopId)
                        .filter(d -> d.state == DesktopState.ASSIGNED)
                        .orElseThrow(() -> ProblemException.notFound("no desktop " + desktopId));
        var host =
                hosts.findByIdOptional(desktop.hostName)
                        .filter(h -> h.state == HostState.UP)
                        .orElseThrow(
                                () -> ProblemException.unavailable("the desktop's host is down"));
        return HostClient.vmSocket(host.socketBase(), desktopId, token);
    }
}
