package org.atrium.broker;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a desktop host: answers the control API of docs/architecture.md from memory (every
 * created VM reports "running") and echoes bytes on {@code /ws/vms/{id}}.
 *
 * <p>Why a fake: the broker module may not depend on desktop-host (maven-enforcer), and a real host
 * needs the emulator. The real host is exercised end to end by the lead's system tests; here we
 * test the broker's side of the contract.
 */
public final class FakeHost implements AutoCloseable {
    private static final Pattern VM = Pattern.compile("/api/v1/vms/([^/]+)(/reset|/stop)?");
    private static final Pattern SOCKET = Pattern.compile("/ws/vms/([^/]+)");

    private final HttpServer server;
    private final String controlSecret;

    /** VM id → state. */
    public final Map<String, String> vms = new ConcurrentHashMap<>();

    /**
     * VM id → whether its guest is up, reported as {@code guestReady}; a VM without an entry
     * reports no such field, like a host from before it.
     */
    public final Map<String, Boolean> guestReady = new ConcurrentHashMap<>();

    /** What {@link #guestReady} says of a VM created from now on; null leaves it out. */
    public volatile Boolean newGuestsReady;

    /** Every control call, as "METHOD path". */
    public final List<String> calls = new CopyOnWriteArrayList<>();

    /**
     * What the host sends first on each RFB socket, at once, as the real host's RFB server sends
     * its protocol version before the viewer says anything; null sends nothing.
     */
    public volatile byte[] greeting;

    /** Tokens presented on the RFB socket. */
    public final List<String> socketTokens = new CopyOnWriteArrayList<>();

    private FakeHost(Vertx vertx, String controlSecret) throws Exception {
        this.controlSecret = controlSecret;
        this.server =
                vertx.createHttpServer()
                        .requestHandler(this::handle)
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get();
    }

    public static FakeHost start(Vertx vertx, String controlSecret) throws Exception {
        return new FakeHost(vertx, controlSecret);
    }

    public String controlUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        Matcher socket = SOCKET.matcher(request.path());
        if (socket.matches()) {
            socketTokens.add(String.valueOf(request.getParam("token")));
            request.toWebSocket()
                    .onSuccess(
                            ws -> {
                                byte[] first = greeting;
                                if (first != null) {
                                    ws.writeBinaryMessage(Buffer.buffer(first));
                                }
                                ws.handler(ws::write);
                            });
            return;
        }
        if (!("Bearer " + controlSecret).equals(request.getHeader("Authorization"))) {
            request.response().setStatusCode(401).end();
            return;
        }
        Matcher vm = VM.matcher(request.path());
        if (!vm.matches()) {
            request.response().setStatusCode(404).end();
            return;
        }
        String id = vm.group(1);
        String action = vm.group(2);
        calls.add(request.method() + " " + request.path());
        switch (request.method().name()) {
            case "PUT" -> {
                vms.put(id, "running");
                Boolean ready = newGuestsReady;
                if (ready != null) {
                    guestReady.putIfAbsent(id, ready);
                }
                answer(request, id);
            }
            case "GET" -> {
                if (vms.containsKey(id)) {
                    answer(request, id);
                } else {
                    request.response().setStatusCode(404).end();
                }
            }
            case "DELETE" -> {
                vms.remove(id);
                request.response().setStatusCode(204).end();
            }
            case "POST" -> {
                if (action != null && vms.containsKey(id)) {
                    answer(request, id);
                } else {
                    request.response().setStatusCode(404).end();
                }
            }
            default -> request.response().setStatusCode(405).end();
        }
    }

    private void answer(HttpServerRequest request, String id) {
        JsonObject body =
                new JsonObject()
                        .put("id", id)
                        .put("state", vms.get(id))
                        .put("width", 720)
                        .put("height", 400);
        Boolean ready = guestReady.get(id);
        if (ready != null) {
            body.put("guestReady", ready);
        }
        request.response().putHeader("Content-Type", "application/json").end(body.encode());
    }

    @Override
    public void close() {
        server.close().toCompletionStage().toCompletableFuture().join();
    }
}
