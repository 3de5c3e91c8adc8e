package org.atrium.systemtests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.openqa.selenium.json.Json;

/**
 * A WebDriver BiDi client over one WebSocket (W3C WebDriver BiDi, "Transport" and "Protocol"): a
 * command is {@code {"id", "method", "params"}}, its answer carries the same id with {@code "type":
 * "success"} and a result or {@code "type": "error"}; events come with {@code "type": "event"}.
 * Only what the tests use: commands, answers, one event listener. It uses the JDK's WebSocket and
 * Selenium's JSON codec.
 */
final class BidiSession implements AutoCloseable {
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

    private final Json json = new Json();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending =
            new ConcurrentHashMap<>();
    private final Consumer<Map<String, Object>> events;
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;

    private BidiSession(URI endpoint, Consumer<Map<String, Object>> events) {
        this.events = events;
        this.socket =
                http.newWebSocketBuilder()
                        .connectTimeout(Duration.ofSeconds(30))
                        .buildAsync(endpoint, new Listener())
                        .join();
    }

    /**
     * Connects to {@code ws://host:port} of a browser's BiDi server and starts a session ({@code
     * session.new} on the {@code /session} endpoint, as a BiDi-only client does).
     */
    static BidiSession open(String server, Consumer<Map<String, Object>> events) {
        BidiSession session = new BidiSession(URI.create(server + "/session"), events);
        session.send("session.new", Map.of("capabilities", Map.of()));
        return session;
    }

    /** Sends a command and waits for its result; an error answer becomes an exception. */
    Map<String, Object> send(String method, Map<String, Object> params) {
        long id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("id", id);
        command.put("method", method);
        command.put("params", params);
        synchronized (socket) {
            socket.sendText(json.toJson(command), true).join();
        }
        try {
            Map<String, Object> message =
                    answer.get(COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if ("error".equals(message.get("type"))) {
                throw new BidiException(
                        method + ": " + message.get("error") + ": " + message.get("message"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) message.get("result");
            return result == null ? Map.of() : result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BidiException(method + ": interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new BidiException(method + ": no answer: " + e);
        } finally {
            pending.remove(id);
        }
    }

    /**
     * The Java value of a BiDi "RemoteValue" (section "script.RemoteValue"): primitives as such,
     * arrays as lists, objects and maps as maps with string keys; anything else (nodes, windows) as
     * its type name.
     */
    static Object javaValue(Object remote) {
        if (!(remote instanceof Map<?, ?> value)) {
            return remote;
        }
        Object type = value.get("type");
        Object inner = value.get("value");
        return switch (String.valueOf(type)) {
            case "undefined", "null" -> null;
            case "string", "boolean" -> inner;
            case "number" ->
                    inner instanceof Number ? inner : Double.valueOf(String.valueOf(inner));
            case "array", "set" -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) inner) {
                    items.add(javaValue(item));
                }
                yield items;
            }
            case "object", "map" -> {
                Map<String, Object> entries = new LinkedHashMap<>();
                for (Object pair : (List<?>) inner) {
                    List<?> kv = (List<?>) pair;
                    Object key = kv.get(0) instanceof String s ? s : javaValue(kv.get(0));
                    entries.put(String.valueOf(key), javaValue(kv.get(1)));
                }
                yield entries;
            }
            default -> String.valueOf(type);
        };
    }

    /** A BiDi "LocalValue" for a Java argument. */
    static Map<String, Object> localValue(Object value) {
        return switch (value) {
            case null -> Map.of("type", "null");
            case String s -> Map.of("type", "string", "value", s);
            case Boolean b -> Map.of("type", "boolean", "value", b);
            case Number n -> Map.of("type", "number", "value", n);
            default ->
                    throw new IllegalArgumentException(
                            "no BiDi value for " + value.getClass().getSimpleName());
        };
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        http.close();
    }

    private void receive(String text) {
        Map<String, Object> message = json.toType(text, Json.MAP_TYPE);
        Object id = message.get("id");
        if (id instanceof Number n) {
            CompletableFuture<Map<String, Object>> answer = pending.get(n.longValue());
            if (answer != null) {
                answer.complete(message);
            }
        } else if ("event".equals(message.get("type"))) {
            events.accept(message);
        }
    }

    /** Collects text frames (a message may come in parts) and hands whole messages on. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    receive(text);
                } catch (RuntimeException e) {
                    System.err.println("unreadable BiDi message: " + e);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            pending.values().forEach(answer -> answer.completeExceptionally(error));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            pending.values()
                    .forEach(
                            answer ->
                                    answer.completeExceptionally(
                                            new IllegalStateException(
                                                    "BiDi socket closed: " + reason)));
            return null;
        }
    }

    /** A BiDi command failed or went unanswered. */
    static final class BidiException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BidiException(String message) {
            super(message);
        }
    }
}
