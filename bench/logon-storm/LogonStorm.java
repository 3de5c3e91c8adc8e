import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logon storm (issue 6, "done when" 4): N users sign in and connect against a pool of N
 * pre-provisioned READY desktops; reports throughput, p50/p99 assignment latency (the connect
 * call as the client sees it) and checks with SQL that no desktop was assigned twice.
 *
 * <p>No VM is started: the desktop host is a fake, registered through the broker's real
 * registration API, that answers the host control API from memory and reports every VM running.
 * The broker is the packaged jar with its embedded PostgreSQL, run as its own process.
 *
 * <p>Usage: java -cp postgresql.jar LogonStorm.java BROKER_JAR STATE_DIR USERS CLIENTS
 */
public class LogonStorm {
    static final String REGISTRATION = "bench-registration-secret";
    static final String CONTROL = "bench-control-secret";
    static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
    static String base;

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path state = Path.of(args[1]).toAbsolutePath();
        int users = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        // "separate": all users sign in first, then all connect, so connects are timed alone.
        boolean separate = args.length > 4 && args[4].equals("separate");
        Files.createDirectories(state);
        Path log = state.resolveSibling("broker.log");

        // The fake host: PUT/GET/DELETE /api/v1/vms/{id} from memory.
        Map<String, String> vms = new ConcurrentHashMap<>();
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        host.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        host.createContext("/api/v1/vms/", exchange -> fakeHost(exchange, vms));
        host.start();
        String hostUrl = "http://127.0.0.1:" + host.getAddress().getPort();

        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        var builder =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                // As ./atrium up launches it (docs/broker.md, "Passwords").
                                "--add-opens",
                                "java.base/sun.security.provider=ALL-UNNAMED",
                                "-jar",
                                jar.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().put("ATRIUM_STATE_DIR", state.toString());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("ATRIUM_HOSTS_REGISTRATION_SECRET", REGISTRATION);
        builder.environment().put("ATRIUM_HOSTS_CONTROL_SECRET", CONTROL);
        builder.environment().put("ATRIUM_RECONCILER_INTERVAL", "1s");
        Process broker = builder.start();
        var heartbeats = Executors.newSingleThreadScheduledExecutor();
        try {
            awaitReady(broker, log);
            System.out.printf("broker up on %s (log %s)%n", base, log);
            var creds = new Properties();
            try (var reader = Files.newBufferedReader(state.resolve("demo-credentials.txt"))) {
                creds.load(reader);
            }
            String platform =
                    signIn(
                            creds.getProperty("platform.admin.username"),
                            creds.getProperty("platform.admin.password"));
            String tenant =
                    field(call("POST", "/api/v1/platform/tenants", platform, "{\"name\":\"storm\"}", 201), "id");
            String password = "storm-password-" + System.nanoTime();
            call(
                    "POST",
                    "/api/v1/platform/tenants/" + tenant + "/admins",
                    platform,
                    "{\"username\":\"storm-admin\",\"password\":\"" + password + "\",\"groups\":[\"storm\"]}",
                    201);
            String admin = signIn("storm-admin", password);
            String pool =
                    field(
                            call(
                                    "POST",
                                    "/api/v1/admin/pools",
                                    admin,
                                    "{\"name\":\"storm\",\"kind\":\"POOLED\",\"size\":"
                                            + users
                                            + ",\"warmBuffer\":"
                                            + users
                                            + ",\"memoryMiB\":32,\"bootSource\":\"{}\","
                                            + "\"entitledGroup\":\"storm\"}",
                                    201),
                            "id");
            call(
                    "POST",
                    "/api/v1/admin/users",
                    admin,
                    "{\"username\":\"storm-0\",\"password\":\"" + password + "\",\"groups\":[\"storm\"]}",
                    201);
            String hostBody =
                    "{\"name\":\"bench-host\",\"controlUrl\":\""
                            + hostUrl
                            + "\",\"capacity\":{\"memoryMiB\":10000000,\"vms\":"
                            + (users + 10)
                            + "}}";
            hostCall("/api/v1/hosts/register", hostBody);
            heartbeats.scheduleAtFixedRate(
                    () -> heartbeat(vms), 0, 2, TimeUnit.SECONDS);

            try (Connection sql = sql(log)) {
                // Users 1..N-1 copy storm-0's row (same password hash): the setup is not what is
                // measured, and N password hashes would take minutes on this machine.
                try (var insert =
                        sql.prepareStatement(
                                "insert into user_account (id, tenant_id, username, password_hash,"
                                        + " roles, groups, created_at) select gen_random_uuid(),"
                                        + " tenant_id, ?, password_hash, roles, groups, now() from"
                                        + " user_account where username = 'storm-0'")) {
                    for (int i = 1; i < users; i++) {
                        insert.setString(1, "storm-" + i);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                Instant provisioning = Instant.now();
                while (count(sql, "select count(*) from desktop where state = 'READY' and pool_id = '" + pool + "'") < users) {
                    if (Duration.between(provisioning, Instant.now()).toSeconds() > 600) {
                        throw new IllegalStateException("pool not READY after 600 s");
                    }
                    Thread.sleep(500);
                }
                System.out.printf(
                        "%d desktops READY (fake host, no VMs) after %d s%n",
                        users, Duration.between(provisioning, Instant.now()).toSeconds());
            }

            // The storm: every user signs in and connects; CLIENTS at a time.
            long[] signInNanos = new long[users];
            long[] connectNanos = new long[users];
            String[] desktops = new String[users];
            List<Future<?>> done = new ArrayList<>();
            String[] cookies = new String[users];
            Duration cpuBefore = cpu(broker, state);
            Duration cpuConnects = Duration.ZERO;
            if (separate) {
                long signInStart = System.nanoTime();
                try (var workers = Executors.newFixedThreadPool(clients)) {
                    List<Future<?>> signedIn = new ArrayList<>();
                    for (int i = 0; i < users; i++) {
                        int u = i;
                        signedIn.add(
                                workers.submit(
                                        () -> {
                                            long t0 = System.nanoTime();
                                            cookies[u] = signIn("storm-" + u, password);
                                            signInNanos[u] = System.nanoTime() - t0;
                                            return null;
                                        }));
                    }
                    for (var f : signedIn) {
                        f.get();
                    }
                }
                System.out.printf(
                        "sign-in phase: %.1f s; then the connects alone:%n",
                        (System.nanoTime() - signInStart) / 1e9);
                cpuConnects = cpu(broker, state);
            }
            long start = System.nanoTime();
            try (var workers = Executors.newFixedThreadPool(clients)) {
                for (int i = 0; i < users; i++) {
                    int u = i;
                    done.add(
                            workers.submit(
                                    () -> {
                                        long t0 = System.nanoTime();
                                        String cookie =
                                                separate ? cookies[u] : signIn("storm-" + u, password);
                                        long t1 = System.nanoTime();
                                        String answer =
                                                call("POST", "/api/v1/pools/" + pool + "/connect", cookie, null, 200);
                                        long t2 = System.nanoTime();
                                        if (!separate) {
                                            signInNanos[u] = t1 - t0;
                                        }
                                        connectNanos[u] = t2 - t1;
                                        desktops[u] = field(answer, "desktopId");
                                        return null;
                                    }));
                }
                for (var f : done) {
                    f.get();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Duration cpuAfter = cpu(broker, state);
            long distinct = Arrays.stream(desktops).distinct().count();
            System.out.printf("users: %d, client threads: %d%n", users, clients);
            System.out.printf("storm wall time: %.1f s (all signed in and connected)%n", seconds);
            System.out.printf("throughput: %.1f sign-in+connect per second%n", users / seconds);
            System.out.printf(
                    "sign-in latency ms: p50 %.1f  p99 %.1f%n",
                    pct(signInNanos, 50), pct(signInNanos, 99));
            System.out.printf(
                    "assignment (connect) latency ms: p50 %.1f  p99 %.1f  max %.1f%n",
                    pct(connectNanos, 50), pct(connectNanos, 99), pct(connectNanos, 100));
            System.out.printf("distinct desktops handed out: %d%n", distinct);
            // CPU time is what the work costs whatever else shares the machine.
            System.out.printf(
                    "CPU used by the broker and its PostgreSQL: %.1f s for the whole storm%s%n",
                    cpuAfter.minus(cpuBefore).toMillis() / 1e3,
                    separate
                            ? String.format(
                                    ", of which %.1f s in the connect phase",
                                    cpuAfter.minus(cpuConnects).toMillis() / 1e3)
                            : "");
            try (Connection sql = sql(log)) {
                long doubles =
                        count(
                                sql,
                                "select count(*) from (select desktop_id from desktop_session where"
                                        + " state <> 'ENDED' group by desktop_id having count(*) > 1) d");
                long mismatched =
                        count(
                                sql,
                                "select count(*) from desktop_session s join desktop d on d.id ="
                                        + " s.desktop_id where s.state <> 'ENDED' and (d.state <>"
                                        + " 'ASSIGNED' or d.assigned_user_id <> s.user_id)");
                long live = count(sql, "select count(*) from desktop_session where state <> 'ENDED'");
                System.out.printf(
                        "SQL: live sessions %d, desktops with >1 live session %d, sessions on a"
                                + " desktop not assigned to their user %d%n",
                        live, doubles, mismatched);
                if (doubles != 0 || mismatched != 0 || distinct != users || live != users) {
                    System.out.println("FAILED: assignment invariants broken");
                    System.exit(1);
                }
            }
            System.out.println(
                    "server-side histogram: "
                            + metric("atrium_assignment_seconds_count")
                            + " connects timed, sum "
                            + metric("atrium_assignment_seconds_sum")
                            + " s");
        } finally {
            heartbeats.shutdownNow();
            broker.destroy();
            if (!broker.waitFor(60, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
            host.stop(0);
        }
    }

    /**
     * CPU time of the broker process and of its embedded PostgreSQL server with its backends (the
     * server detaches from the broker, so it is found by its data directory under {@code
     * state}). Backends that have exited are not counted; the pooled ones live for the whole run.
     */
    static Duration cpu(Process broker, Path state) {
        Duration total = broker.info().totalCpuDuration().orElse(Duration.ZERO);
        var servers =
                ProcessHandle.allProcesses()
                        .filter(p -> p.info().command().orElse("").endsWith("/postgres"))
                        .filter(
                                p ->
                                        p.info().commandLine().orElse("").contains(state.toString()))
                        .toList();
        for (var server : servers) {
            total = total.plus(server.info().totalCpuDuration().orElse(Duration.ZERO));
            for (var backend : server.descendants().toList()) {
                total = total.plus(backend.info().totalCpuDuration().orElse(Duration.ZERO));
            }
        }
        return total;
    }

    static void fakeHost(HttpExchange exchange, Map<String, String> vms) throws IOException {
        if (!("Bearer " + CONTROL).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "");
            return;
        }
        String id = exchange.getRequestURI().getPath().substring("/api/v1/vms/".length());
        exchange.getRequestBody().readAllBytes();
        switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                vms.put(id, "running");
                reply(exchange, 201, "{\"id\":\"" + id + "\",\"state\":\"running\"}");
            }
            case "GET" -> {
                if (vms.containsKey(id)) {
                    reply(exchange, 200, "{\"id\":\"" + id + "\",\"state\":\"running\"}");
                } else {
                    reply(exchange, 404, "");
                }
            }
            case "DELETE" -> {
                vms.remove(id);
                reply(exchange, 204, "");
            }
            default -> reply(exchange, 405, "");
        }
    }

    static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    static void heartbeat(Map<String, String> vms) {
        var body = new StringBuilder("{\"freeMemoryMiB\":10000000,\"vms\":[");
        String sep = "";
        for (var vm : Map.copyOf(vms).entrySet()) {
            body.append(sep)
                    .append("{\"id\":\"")
                    .append(vm.getKey())
                    .append("\",\"state\":\"")
                    .append(vm.getValue())
                    .append("\"}");
            sep = ",";
        }
        body.append("]}");
        try {
            hostCall("/api/v1/hosts/bench-host/heartbeat", body.toString());
        } catch (Exception e) {
            System.err.println("heartbeat failed: " + e.getMessage());
        }
    }

    static void hostCall(String path, String body) throws Exception {
        var response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + REGISTRATION)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + " " + response.body());
        }
    }

    static String signIn(String username, String password) throws Exception {
        String form =
                "j_username="
                        + URLEncoder.encode(username, StandardCharsets.UTF_8)
                        + "&j_password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8);
        var response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/j_security_check"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        for (String cookie : response.headers().allValues("set-cookie")) {
            if (cookie.startsWith("quarkus-credential=")) {
                return cookie.substring(0, cookie.indexOf(';'));
            }
        }
        throw new IllegalStateException("sign-in of " + username + " failed: " + response.statusCode());
    }

    static String call(String method, String path, String cookie, String body, int expected)
            throws Exception {
        var builder =
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Cookie", cookie)
                        .header("Accept", "application/json")
                        .timeout(Duration.ofSeconds(60));
        if (body != null) {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        var response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(
                    method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    static String metric(String name) throws Exception {
        var response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(line.lastIndexOf(' ') + 1);
            }
        }
        return "?";
    }

    static double pct(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.clamp(index, 0, sorted.length - 1)] / 1e6;
    }

    static Connection sql(Path log) throws Exception {
        Matcher m =
                Pattern.compile("embedded PostgreSQL listening on 127\\.0\\.0\\.1:(\\d+)")
                        .matcher(Files.readString(log));
        String port = null;
        while (m.find()) {
            port = m.group(1);
        }
        var props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "postgres");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    static long count(Connection sql, String query) throws Exception {
        try (var st = sql.createStatement();
                var rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void awaitReady(Process broker, Path log) throws Exception {
        for (int i = 0; i < 720; i++) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("broker exited; see " + log);
            }
            try {
                if (HTTP.send(
                                        HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("broker not ready; see " + log);
    }
}
