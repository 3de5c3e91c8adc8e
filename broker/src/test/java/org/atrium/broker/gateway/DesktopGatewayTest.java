package org.atrium.broker.gateway;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.atrium.broker.Broker;
import org.atrium.broker.FakeHost;
import org.atrium.broker.Fixtures;
import org.atrium.broker.desktop.DesktopRepository;
import org.atrium.broker.desktop.DesktopState;
import org.atrium.broker.host.HostSecrets;
import org.atrium.broker.reconciler.PoolReconciler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway proxies a browser's WebSocket to the desktop's host. The host is a {@link FakeHost}
 * that echoes bytes (the real host and its RFB server are tested end to end by the lead's system
 * tests); what matters here is admission and that bytes cross both ways unchanged.
 */
@QuarkusTest
class DesktopGatewayTest {
    @Inject Fixtures fixtures;
    @Inject PoolReconciler reconciler;
    @Inject DesktopRepository desktops;
    @Inject HostSecrets secrets;
    @Inject Vertx vertx;

    @TestHTTPResource("/")
    URL base;

    private FakeHost host;
    private String hostName;
    private WebSocketClient client;

    @BeforeEach
    void startHost() throws Exception {
        host = FakeHost.start(vertx, secrets.control());
        hostName = Broker.registerHost(host, 200);
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void stopHost() throws Exception {
        fixtures.retireHost(hostName);
        host.close();
        client.close();
    }

    private record Connected(String cookie, String wsPath, String desktopId, String poolId) {}

    private Connected connect() {
        var tenant = fixtures.tenant();
        var pool = fixtures.pool(tenant.id, 1, "staff");
        reconciler.reconcile();
        reconciler.reconcile();
        assertEquals(
                1,
                QuarkusTransaction.requiringNew()
                        .call(() -> desktops.countInPool(pool.id, Set.of(DesktopState.READY))));
        var user = fixtures.user(tenant.id, "staff");
        String cookie = Broker.signIn(user.username(), user.password());
        var answer =
                given().cookie("quarkus-credential", cookie)
                        .post("/api/v1/pools/" + pool.id + "/connect");
        answer.then().statusCode(200);
        return new Connected(
                cookie, answer.path("wsPath"), answer.path("desktopId"), String.valueOf(pool.id));
    }

    private WebSocket open(String path, String cookie) throws Exception {
        var options =
                new WebSocketConnectOptions()
                        .setHost(base.getHost())
                        .setPort(base.getPort())
                        .setURI(path);
        if (cookie != null) {
            options.addHeader("Cookie", "quarkus-credential=" + cookie);
        }
        return client.connect(options)
                .toCompletionStage()
                .toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    @Test
    void bytesCrossTheProxyBothWaysAndTheHostGetsTheSameToken() throws Exception {
        var connected = connect();
        WebSocket socket = open(connected.wsPath(), connected.cookie());
        var echoed = new CompletableFuture<Buffer>();
        var received = Buffer.buffer();
        socket.binaryMessageHandler(
                message -> {
                    received.appendBuffer(message);
                    if (received.length() >= 4096) {
                        echoed.complete(received);
                    }
                });
        byte[] payload = new byte[4096];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        socket.writeBinaryMessage(Buffer.buffer(payload));
        assertEquals(Buffer.buffer(payload), echoed.get(20, TimeUnit.SECONDS));

        String token = connected.wsPath().substring(connected.wsPath().indexOf("token=") + 6);
        assertEquals(token, host.socketTokens.getLast());
        socket.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * The session's state follows the sockets: open twice (a second tab, or a viewer reconnecting
     * before its old socket's close arrived), closing one leaves it connected; closing the last one
     * disconnects it.
     */
    @Test
    void theSessionIsDisconnectedWhenItsLastSocketCloses() throws Exception {
        var connected = connect();
        WebSocket first = open(connected.wsPath(), connected.cookie());
        String again =
                given().cookie("quarkus-credential", connected.cookie())
                        .post("/api/v1/pools/" + connected.poolId() + "/connect")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("wsPath");
        WebSocket second = open(again, connected.cookie());

        first.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // The close is handled asynchronously: give it the time it would need to (wrongly) land.
        Thread.sleep(1000);
        assertEquals("CONNECTED", sessionState(connected), "one socket is still open");

        second.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!"DISCONNECTED".equals(sessionState(connected)) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertEquals("DISCONNECTED", sessionState(connected), "the last socket closed");
    }

    private static String poolOf(Connected connected) {
        return given().cookie("quarkus-credential", connected.cookie())
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .extract()
                .path("[0].poolId");
    }

    private static String sessionState(Connected connected) {
        return given().cookie("quarkus-credential", connected.cookie())
                .get("/api/v1/sessions")
                .then()
                .statusCode(200)
                .extract()
                .path("[0].state");
    }

    /**
     * The host speaks first: its RFB server sends the protocol version the moment the socket opens,
     * before the browser's side of the proxy may exist. Those bytes must wait for the browser, not
     * be dropped; a viewer that never got them waited for them until the host gave up on the
     * handshake. The browser here is the JDK's client, whose listener is in place before its socket
     * opens, so it cannot lose the message itself. Several sockets in a row, as the timing varies.
     */
    @Test
    void theHostsFirstBytesReachTheBrowser() throws Exception {
        byte[] version = "RFB 003.008\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        host.greeting = version;
        try {
            var connected = connect();
            for (int i = 0; i < 10; i++) {
                // Each connect call makes a new token for the same session.
                String path =
                        i == 0
                                ? connected.wsPath()
                                : given().cookie("quarkus-credential", connected.cookie())
                                        .post("/api/v1/pools/" + connected.poolId() + "/connect")
                                        .path("wsPath");
                var first = new CompletableFuture<byte[]>();
                java.net.http.WebSocket socket =
                        java.net.http.HttpClient.newHttpClient()
                                .newWebSocketBuilder()
                                .header("Cookie", "quarkus-credential=" + connected.cookie())
                                .buildAsync(
                                        java.net.URI.create(
                                                "ws://"
                                                        + base.getHost()
                                                        + ":"
                                                        + base.getPort()
                                                        + path),
                                        new java.net.http.WebSocket.Listener() {
                                            @Override
                                            public CompletableFuture<?> onBinary(
                                                    java.net.http.WebSocket ws,
                                                    java.nio.ByteBuffer data,
                                                    boolean last) {
                                                byte[] bytes = new byte[data.remaining()];
                                                data.get(bytes);
                                                first.complete(bytes);
                                                ws.request(1);
                                                return null;
                                            }
                                        })
                                .get(20, TimeUnit.SECONDS);
                assertEquals(
                        new String(version, java.nio.charset.StandardCharsets.US_ASCII),
                        new String(
                                first.get(10, TimeUnit.SECONDS),
                                java.nio.charset.StandardCharsets.US_ASCII),
                        "socket " + i);
                socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "")
                        .get(10, TimeUnit.SECONDS);
            }
        } finally {
            host.greeting = null;
        }
    }

    /**
     * A desktop whose screen does not change sends nothing for a while; the proxy must not mistake
     * that for a dead connection. (The Vert.x timer bug that once closed a broker's first session
     * after 10 s needs a fresh Vert.x to show; HostSocketOptionsTest covers it.)
     */
    @Test
    void aQuietSessionStaysOpen() throws Exception {
        var connected = connect();
        WebSocket socket = open(connected.wsPath(), connected.cookie());
        var closed = new CompletableFuture<Void>();
        socket.closeHandler(ignored -> closed.complete(null));
        Thread.sleep(12_000);
        assertFalse(closed.isDone(), "the proxy closed a quiet session");
        var echoed = new CompletableFuture<Buffer>();
        socket.binaryMessageHandler(echoed::complete);
        socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3}));
        assertEquals(Buffer.buffer(new byte[] {1, 2, 3}), echoed.get(20, TimeUnit.SECONDS));
        socket.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTokenOpensTheSocketOnlyOnce() throws Exception {
        var connected = connect();
        open(connected.wsPath(), connected.cookie()).close();
        var e =
                assertThrows(
                        ExecutionException.class,
                        () -> open(connected.wsPath(), connected.cookie()));
        assertTrue(e.getCause().getMessage().contains("403"), e.getCause().getMessage());
    }

    @Test
    void anotherUsersCookieCannotUseTheToken() throws Exception {
        var connected = connect();
        var stranger = fixtures.user(fixtures.tenant().id, "staff");
        String strangerCookie = Broker.signIn(stranger.username(), stranger.password());
        var e =
                assertThrows(
                        ExecutionException.class, () -> open(connected.wsPath(), strangerCookie));
        assertTrue(e.getCause().getMessage().contains("403"), e.getCause().getMessage());
    }

    @Test
    void tokenForAnotherDesktopPathIsRefused() throws Exception {
        var first = connect();
        var second = connect();
        String token = first.wsPath().substring(first.wsPath().indexOf("?"));
        var e =
                assertThrows(
                        ExecutionException.class,
                        () -> open("/ws/desktops/" + second.desktopId() + token, first.cookie()));
        assertTrue(e.getCause().getMessage().contains("403"), e.getCause().getMessage());
    }

    @Test
    void withoutSignInTheSocketIsNotOpened() throws Exception {
        var connected = connect();
        var e = assertThrows(ExecutionException.class, () -> open(connected.wsPath(), null));
        assertTrue(e.getCause().getMessage().contains("401"), e.getCause().getMessage());
    }
}
