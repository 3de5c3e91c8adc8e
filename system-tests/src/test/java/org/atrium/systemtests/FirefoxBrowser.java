package org.atrium.systemtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Firefox ESR from the distribution's packages, driven through WebDriver BiDi, which
 * Firefox serves itself ({@code --remote-debugging-port}): no geckodriver, which Debian does not
 * package. Each browser gets a fresh profile directory, deleted on close.
 */
final class FirefoxBrowser implements Browser {
    private static final Pattern LISTENING =
            Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final Duration START_LIMIT = Duration.ofSeconds(90);

    /**
     * Profile preferences: no first-run pages or background traffic, and touch events enabled as on
     * a touch-screen device (Firefox on Linux otherwise enables them only with touch hardware).
     */
    private static final String PREFERENCES =
            """
            user_pref("browser.shell.checkDefaultBrowser", false);
            user_pref("browser.startup.homepage_override.mstone", "ignore");
            user_pref("datareporting.policy.dataSubmissionEnabled", false);
            user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
            user_pref("app.update.disabledForTesting", true);
            user_pref("dom.w3c_touch_events.enabled", 1);
            """;

    private final Process process;
    private final Path profile;
    private final BidiSession bidi;
    private final String context;
    private final List<String> console = new CopyOnWriteArrayList<>();

    private FirefoxBrowser(Process process, Path profile, BidiSession bidi, String context) {
        this.process = process;
        this.profile = profile;
        this.bidi = bidi;
        this.context = context;
    }

    static FirefoxBrowser start() throws IOException {
        Path firefox = Browser.executable("firefox-esr", "firefox");
        Path profile = Files.createTempDirectory("atrium-firefox");
        Files.writeString(profile.resolve("user.js"), PREFERENCES);
        Process process =
                new ProcessBuilder(
                                firefox.toString(),
                                "--headless",
                                "--no-remote",
                                "--remote-debugging-port=0",
                                "--profile",
                                profile.toString(),
                                "about:blank")
                        .redirectErrorStream(true)
                        .start();
        try {
            String server = awaitServer(process);
            List<String> console = new CopyOnWriteArrayList<>();
            BidiSession bidi = BidiSession.open(server, event -> console.add(describe(event)));
            bidi.send("session.subscribe", Map.of("events", List.of("log.entryAdded")));
            @SuppressWarnings("unchecked")
            var contexts =
                    (List<Map<String, Object>>)
                            bidi.send("browsingContext.getTree", Map.of("maxDepth", 0))
                                    .get("contexts");
            String context = String.valueOf(contexts.getFirst().get("context"));
            FirefoxBrowser browser = new FirefoxBrowser(process, profile, bidi, context);
            browser.console.addAll(console);
            browser.resize(1280, 900);
            return browser;
        } catch (RuntimeException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            deleteTree(profile);
            throw e;
        }
    }

    /** Reads Firefox's output until it names its BiDi server; the rest goes to an artifact. */
    private static String awaitServer(Process process) {
        CompletableFuture<String> server = new CompletableFuture<>();
        Path log = Platform.artifacts().resolve("firefox.log");
        Thread.ofVirtual()
                .start(
                        () -> {
                            try (var reader =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getInputStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = reader.readLine()) != null) {
                                    Matcher m = LISTENING.matcher(line);
                                    if (m.find()) {
                                        server.complete(m.group(1));
                                    }
                                    Files.writeString(
                                            log,
                                            line + "\n",
                                            java.nio.file.StandardOpenOption.CREATE,
                                            java.nio.file.StandardOpenOption.APPEND);
                                }
                            } catch (IOException e) {
                                server.completeExceptionally(e);
                            }
                            server.completeExceptionally(
                                    new IllegalStateException("firefox ended its output"));
                        });
        try {
            return server.get(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Firefox did not start its WebDriver BiDi server (see firefox.log): " + e, e);
        }
    }

    private static String describe(Map<String, Object> event) {
        Object params = event.get("params");
        if (params instanceof Map<?, ?> p) {
            return Instant.now() + " [" + p.get("level") + "] " + p.get("text");
        }
        return String.valueOf(event);
    }

    @Override
    public String name() {
        return "firefox";
    }

    @Override
    public void open(String url) {
        bidi.send(
                "browsingContext.navigate",
                Map.of("context", context, "url", url, "wait", "complete"));
    }

    @Override
    public void reload() {
        bidi.send("browsingContext.reload", Map.of("context", context, "wait", "complete"));
    }

    @Override
    public String currentUrl() {
        return String.valueOf(script("return location.href;"));
    }

    @Override
    public Object script(String body, Object... args) {
        List<Map<String, Object>> arguments = new ArrayList<>();
        for (Object arg : args) {
            arguments.add(BidiSession.localValue(arg));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("functionDeclaration", "function () {\n" + body + "\n}");
        params.put("awaitPromise", true);
        params.put("target", Map.of("context", context));
        params.put("arguments", arguments);
        params.put("serializationOptions", Map.of("maxObjectDepth", 8));
        params.put("resultOwnership", "none");
        Map<String, Object> result = bidi.send("script.callFunction", params);
        if ("exception".equals(result.get("type"))) {
            Object details = result.get("exceptionDetails");
            String text =
                    details instanceof Map<?, ?> d ? String.valueOf(d.get("text")) : "exception";
            throw new IllegalStateException("script failed: " + text);
        }
        return BidiSession.javaValue(result.get("result"));
    }

    @Override
    public void click(String css) {
        Point centre = centreOf(css);
        press("mouse", "mouse", centre);
    }

    @Override
    public void typeInto(String css, String text) {
        Object found =
                script(
                        """
                        const field = document.querySelector(arguments[0]);
                        if (!field) return false;
                        field.focus();
                        field.value = '';
                        return true;
                        """,
                        css);
        if (!Boolean.TRUE.equals(found)) {
            throw new IllegalStateException("no element " + css);
        }
        pressKeys(text);
    }

    @Override
    public void pressKeys(String text) {
        for (char c : text.toCharArray()) {
            String key = c == '\n' ? "\uE007" : String.valueOf(c);
            List<Map<String, Object>> actions = new ArrayList<>();
            boolean shift = ChromiumBrowser.SHIFTED.indexOf(c) >= 0 || Character.isUpperCase(c);
            if (shift) {
                actions.add(Map.of("type", "keyDown", "value", "\uE008"));
            }
            actions.add(Map.of("type", "keyDown", "value", key));
            actions.add(Map.of("type", "keyUp", "value", key));
            if (shift) {
                actions.add(Map.of("type", "keyUp", "value", "\uE008"));
            }
            bidi.send(
                    "input.performActions",
                    Map.of(
                            "context",
                            context,
                            "actions",
                            List.of(Map.of("type", "key", "id", "keyboard", "actions", actions))));
            Platform.sleep(60);
        }
    }

    @Override
    public void clickAt(Point point) {
        press("mouse", "mouse", point);
    }

    @Override
    public void tap(Point point) {
        press("finger", "touch", point);
    }

    @Override
    public void touchDrag(Point from, Point to) {
        List<Map<String, Object>> actions = new ArrayList<>();
        actions.add(move(from, 0));
        actions.add(Map.of("type", "pointerDown", "button", 0));
        for (int step = 1; step <= 10; step++) {
            double f = step / 10.0;
            actions.add(
                    move(
                            new Point(
                                    from.x() + (to.x() - from.x()) * f,
                                    from.y() + (to.y() - from.y()) * f),
                            30));
        }
        actions.add(Map.of("type", "pointerUp", "button", 0));
        pointer("finger", "touch", actions);
    }

    /** A pointer of {@code kind} goes down at {@code point} and up again. */
    private void press(String id, String kind, Point point) {
        pointer(
                id,
                kind,
                List.of(
                        move(point, 0),
                        Map.of("type", "pointerDown", "button", 0),
                        Map.of("type", "pointerUp", "button", 0)));
    }

    private void pointer(String id, String kind, List<Map<String, Object>> actions) {
        bidi.send(
                "input.performActions",
                Map.of(
                        "context",
                        context,
                        "actions",
                        List.of(
                                Map.of(
                                        "type",
                                        "pointer",
                                        "id",
                                        id,
                                        "parameters",
                                        Map.of("pointerType", kind),
                                        "actions",
                                        actions))));
        bidi.send("input.releaseActions", Map.of("context", context));
    }

    private static Map<String, Object> move(Point to, int millis) {
        return Map.of(
                "type",
                "pointerMove",
                "x",
                (int) Math.round(to.x()),
                "y",
                (int) Math.round(to.y()),
                "duration",
                millis,
                "origin",
                "viewport");
    }

    /** The centre of the element {@code css} names, scrolled into view first. */
    private Point centreOf(String css) {
        Object box =
                script(
                        """
                        const el = document.querySelector(arguments[0]);
                        if (!el) return null;
                        el.scrollIntoView({block: 'center', inline: 'center'});
                        const r = el.getBoundingClientRect();
                        return [r.left + r.width / 2, r.top + r.height / 2];
                        """,
                        css);
        if (!(box instanceof List<?> xy)) {
            throw new IllegalStateException("no element " + css);
        }
        return new Point(((Number) xy.get(0)).doubleValue(), ((Number) xy.get(1)).doubleValue());
    }

    @Override
    public void resize(int width, int height) {
        bidi.send(
                "browsingContext.setViewport",
                Map.of("context", context, "viewport", Map.of("width", width, "height", height)));
    }

    @Override
    public void deleteCookies() {
        bidi.send("storage.deleteCookies", Map.of());
    }

    @Override
    public byte[] screenshotPng() {
        Object data =
                bidi.send("browsingContext.captureScreenshot", Map.of("context", context))
                        .get("data");
        return Base64.getDecoder().decode(String.valueOf(data));
    }

    @Override
    public void keepConsole() {
        List<String> lines = new ArrayList<>(console);
        console.removeAll(lines);
        if (!lines.isEmpty()) {
            Browser.appendConsole("firefox:\n" + String.join("\n", lines) + "\n");
        }
    }

    @Override
    public void close() {
        keepConsole();
        try {
            bidi.send("browser.close", Map.of());
        } catch (RuntimeException e) {
            System.err.println("Firefox did not close on request: " + e);
        }
        bidi.close();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(profile);
        }
    }

    /** Deletes a browser profile directory and everything in it. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // A browser process that is still ending may write a last file; say so, go on.
            System.err.println("could not delete the browser profile " + dir + ": " + e);
        }
    }
}
