package org.atrium.broker.auth;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What a browser does in the OIDC authorization code flow, over plain HTTP: a cookie jar for the
 * broker and Keycloak, redirects followed one by one (so a test sees every hop), and Keycloak's
 * login form filled in and posted.
 */
final class CodeFlowBrowser {
    /** One finished navigation: the last answer and every URL it went through. */
    record Page(int status, URI uri, String body, List<URI> hops) {}

    private static final Pattern LOGIN_FORM_ACTION =
            Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    private final HttpClient client =
            HttpClient.newBuilder()
                    .cookieHandler(new LocalhostCookieJar())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();

    /** GET, following redirects. */
    Page open(URI uri) throws IOException, InterruptedException {
        return follow(HttpRequest.newBuilder(uri).GET(), new ArrayList<>());
    }

    /** GET with an Accept header, following redirects. */
    Page open(URI uri, String accept) throws IOException, InterruptedException {
        return follow(
                HttpRequest.newBuilder(uri).header("Accept", accept).GET(), new ArrayList<>());
    }

    /** POST without a body; answers the status, redirects not followed. */
    int post(URI uri) throws IOException, InterruptedException {
        return client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Fills in Keycloak's login form on {@code loginPage} and posts it, following redirects. */
    Page signInAtKeycloak(Page loginPage, String username, String password)
            throws IOException, InterruptedException {
        var matcher = LOGIN_FORM_ACTION.matcher(loginPage.body());
        if (!matcher.find()) {
            throw new AssertionError("no Keycloak login form at " + loginPage.uri());
        }
        URI action = loginPage.uri().resolve(matcher.group(1).replace("&amp;", "&"));
        String form =
                "username="
                        + URLEncoder.encode(username, StandardCharsets.UTF_8)
                        + "&password="
                        + URLEncoder.encode(password, StandardCharsets.UTF_8)
                        + "&credentialId=";
        var hops = new ArrayList<URI>();
        return follow(
                HttpRequest.newBuilder(action)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)),
                hops);
    }

    private Page follow(HttpRequest.Builder request, List<URI> hops)
            throws IOException, InterruptedException {
        var builder = request.timeout(Duration.ofSeconds(60));
        for (int i = 0; i < 20; i++) {
            var built = builder.build();
            hops.add(built.uri());
            var response = client.send(built, HttpResponse.BodyHandlers.ofString());
            var location = response.headers().firstValue("Location");
            if (response.statusCode() / 100 != 3 || location.isEmpty()) {
                return new Page(response.statusCode(), built.uri(), response.body(), hops);
            }
            builder =
                    HttpRequest.newBuilder(built.uri().resolve(location.get()))
                            .timeout(Duration.ofSeconds(60))
                            .GET();
        }
        throw new AssertionError("more than 20 redirects: " + hops);
    }

    /**
     * Cookies per origin. Keycloak marks its login cookies {@code Secure}; browsers send those to
     * {@code http://localhost} (a secure context to them) but the JDK's {@code CookieManager} does
     * not, so this jar keeps name and value and honours only removal.
     */
    private static final class LocalhostCookieJar extends CookieHandler {
        private final Map<String, Map<String, String>> jars = new ConcurrentHashMap<>();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
            var jar = jars.getOrDefault(origin(uri), Map.of());
            if (jar.isEmpty()) {
                return Map.of();
            }
            var cookies = new StringBuilder();
            jar.forEach(
                    (name, value) ->
                            cookies.append(cookies.isEmpty() ? "" : "; ")
                                    .append(name)
                                    .append('=')
                                    .append(value));
            return Map.of("Cookie", List.of(cookies.toString()));
        }

        @Override
        public void put(URI uri, Map<String, List<String>> headers) {
            var jar = jars.computeIfAbsent(origin(uri), key -> new LinkedHashMap<>());
            headers.forEach(
                    (header, values) -> {
                        if (header != null && header.equalsIgnoreCase("Set-Cookie")) {
                            values.forEach(value -> set(jar, value));
                        }
                    });
        }

        private static void set(Map<String, String> jar, String setCookie) {
            String[] parts = setCookie.split(";");
            int equals = parts[0].indexOf('=');
            if (equals <= 0) {
                return;
            }
            String name = parts[0].substring(0, equals).trim();
            String value = parts[0].substring(equals + 1).trim();
            boolean removed = value.isEmpty();
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
                if (attribute.equals("max-age=0")
                        || attribute.startsWith("max-age=-")
                        || attribute.contains("1970")) {
                    removed = true;
                }
            }
            if (removed) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }

        private static String origin(URI uri) {
            return uri.getHost() + ":" + uri.getPort();
        }
    }
}
