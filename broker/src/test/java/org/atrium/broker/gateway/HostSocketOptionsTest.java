package org.atrium.broker.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's socket to a host, opened as a freshly started broker opens its first one: from a
 * Vert.x instance that has armed no timer yet. The host is a Vert.x echo server that says nothing
 * unless spoken to, like a desktop whose screen stands still.
 */
class HostSocketOptionsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private Vertx hostVertx;
    private Vertx brokerVertx;
    private URI hostSocket;

    @BeforeEach
    void startHost() throws Exception {
        hostVertx = Vertx.vertx();
        HttpServer server =
                hostVertx
                        .createHttpServer()
                        .webSocketHandler(ws -> ws.binaryMessageHandler(ws::writeBinaryMessage))
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
        hostSocket = URI.create("ws://127.0.0.1:" + server.actualPort() + "/ws/vms/quiet");
        brokerVertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        brokerVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hostVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theFirstHostSocketOutlivesItsConnectTimeout() throws Exception {
        WebSocket socket =
                brokerVertx
                        .createWebSocketClient()
                        .connect(DesktopGateway.hostSocketOptions(hostSocket, TIMEOUT))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
        var closed = new CompletableFuture<Void>();
        socket.closeHandler(ignored -> closed.complete(null));
        var echoed = new CompletableFuture<Buffer>();
        socket.binaryMessageHandler(echoed::complete);

        // Quiet for several times the timeout: a timer left armed by the connect would end it.
        assertThrows(
                TimeoutException.class,
                () -> closed.get(TIMEOUT.toMillis() * 5, TimeUnit.MILLISECONDS),
                "the host socket was closed while quiet");
        socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3}));
        assertEquals(Buffer.buffer(new byte[] {1, 2, 3}), echoed.get(10, TimeUnit.SECONDS));
        socket.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
