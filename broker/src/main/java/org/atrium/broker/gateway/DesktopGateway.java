package org.atrium.broker.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.atrium.broker.auth.CallerAttributes;
import org.atrium.broker.common.Problem;
import org.atrium.broker.common.ProblemException;
import org.atrium.broker.session.SessionService;
import org.jboss.logging.Logger;

/**
 * {@code /ws/desktops/{id}?token=…}: the browser's RFB WebSocket. After {@link GatewayService}
 * admits the token, the gateway opens the host's {@code /ws/vms/{id}} with the same token and only
 * then accepts the browser's upgrade; bytes then flow both ways through Vert.x pipes, which pause
 * the reading side while the writing side's queue is full (backpressure). Either side closing
 * closes the other. See docs/adr/0009-broker-gateway-as-vertx-websocket-proxy.md.
 */
@ApplicationScoped
public class DesktopGateway {
    private static final Logger LOG = Logger.getLogger(DesktopGateway.class);
    // A host may send a whole framebuffer update as one frame; the browser's messages to the host
    // arrive through the server's 64 KiB frame limit, within what hosts accept.
    private static final int MAX_MESSAGE = 64 * 1024 * 1024;
    private static final Duration HOST_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final GatewayService gateway;
    private final SessionService sessions;
    private final ObjectMapper json;
    private final Vertx vertx;
    private volatile WebSocketClient client;

    /**
     * Browser sockets open on this broker, per desktop. A user may have the desktop open twice (a
     * second tab, or the viewer reconnecting before the old socket's close arrived): the session is
     * disconnected only when its last socket closes, not when any one does.
     */
    private final Map<UUID, Set<ServerWebSocket>> openSockets = new ConcurrentHashMap<>();

    public DesktopGateway(
            GatewayService gateway, SessionService sessions, ObjectMapper json, Vertx vertx) {
        this.gateway = gateway;
        this.sessions = sessions;
        this.json = json;
        this.vertx = vertx;
    }

    void routes(@Observes Router router) {
        router.get("/ws/desktops/:id").handler(this::open);
    }

    private WebSocketClient client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    client =
                            vertx.createWebSocketClient(
                                    new WebSocketClientOptions()
                                            .setMaxFrameSize(MAX_MESSAGE)
                                            .setMaxMessageSize(MAX_MESSAGE)
                                            .setConnectTimeout(
                                                    (int) HOST_CONNECT_TIMEOUT.toMillis()));
                }
            }
        }
        return client;
    }

    private void open(RoutingContext ctx) {
        if (!"websocket".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.UPGRADE))) {
            refuse(ctx, ProblemException.badRequest("expected a WebSocket upgrade"));
            return;
        }
        SecurityIdentity identity =
                ctx.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        var caller = CallerAttributes.caller(identity);
        if (caller.isEmpty()) {
            refuse(ctx, ProblemException.unauthorized("sign in first"));
            return;
        }
        String desktopId = ctx.pathParam("id");
        String token = ctx.request().getParam("token");
        ctx.request().pause();
        vertx.executeBlocking(() -> gateway.admit(caller.get(), desktopId, token), false)
                .onFailure(failure -> refuse(ctx, failure))
                .onSuccess(admission -> connectHost(ctx, admission));
    }

    private void connectHost(RoutingContext ctx, GatewayService.Admission admission) {
        client().connect(hostSocketOptions(admission.hostSocket(), HOST_CONNECT_TIMEOUT))
                .onFailure(
                        failure -> {
                            LOG.warnf(
                                    "host socket for desktop %s failed: %s",
                                    admission.desktopId(), failure.getMessage());
                            refuse(ctx, ProblemException.badGateway("the desktop's host refused"));
                        })
                .onSuccess(
                        host -> {
                            // The host speaks first (its RFB server sends the protocol version as
                            // the socket opens), before the browser's socket exists: a socket
                            // without a handler drops what arrives. Paused, it keeps it until
                            // splice's pipe resumes it.
                            host.pause();
                            acceptBrowser(ctx, admission, host);
                        });
    }

    /**
     * Options for the socket to the host: a connect timeout only, never a request timeout. Vert.x
     * 4.5 turns a request timeout ({@code setTimeout}) into a handshake timer that it cancels only
     * when the timer's id is above zero; ids start at zero, so when a fresh broker's first host
     * socket armed the process's first timer, that socket was closed when the timer ran out, in the
     * middle of a working session (the viewer then reconnected, and later sockets were fine).
     */
    static WebSocketConnectOptions hostSocketOptions(URI hostSocket, Duration connectTimeout) {
        return new WebSocketConnectOptions()
                .setAbsoluteURI(hostSocket.toString())
                .setConnectTimeout(connectTimeout.toMillis());
    }

    private void acceptBrowser(
            RoutingContext ctx, GatewayService.Admission admission, WebSocket host) {
        ctx.request()
                .toWebSocket()
                .onFailure(
                        failure -> {
                            LOG.infof("browser upgrade failed: %s", failure.getMessage());
                            host.close();
                        })
                .onSuccess(browser -> splice(admission, browser, host));
    }

    private void splice(
            GatewayService.Admission admission, ServerWebSocket browser, WebSocket host) {
        LOG.infof("proxying desktop %s", admission.desktopId());
        openSockets
                .computeIfAbsent(admission.desktopId(), id -> ConcurrentHashMap.newKeySet())
                .add(browser);
        browser.closeHandler(
                ignored -> {
                    host.close();
                    // Sockets already closed are dropped here too, so one whose own close event
                    // went missing cannot keep the session connected.
                    Set<ServerWebSocket> left =
                            openSockets.computeIfPresent(
                                    admission.desktopId(),
                                    (id, sockets) -> {
                                        sockets.removeIf(ws -> ws == browser || ws.isClosed());
                                        return sockets.isEmpty() ? null : sockets;
                                    });
                    LOG.infof(
                            "browser socket for desktop %s closed, %d still open",
                            admission.desktopId(), left == null ? 0 : left.size());
                    if (left != null) {
                        return;
                    }
                    vertx.executeBlocking(
                            () -> {
                                sessions.socketClosed(admission.tenantId(), admission.desktopId());
                                return null;
                            },
                            false);
                });
        host.closeHandler(ignored -> browser.close());
        browser.exceptionHandler(e -> host.close());
        host.exceptionHandler(e -> browser.close());
        browser.pipeTo(host);
        host.pipeTo(browser);
    }

    private void refuse(RoutingContext ctx, Throwable failure) {
        Problem problem =
                failure instanceof ProblemException p
                        ? Problem.of(p.status(), p.title(), p.getMessage())
                        : Problem.of(500, "Internal Server Error", "unexpected failure");
        if (!(failure instanceof ProblemException)) {
            LOG.error("gateway failure", failure);
        }
        if (ctx.response().ended()) {
            return;
        }
        try {
            ctx.response()
                    .setStatusCode(problem.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(problem.status()).end();
        }
    }
}
