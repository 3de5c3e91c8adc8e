package org.atrium.systemtests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The portal and viewer pages as the browser tests use them, in either browser: signing in, waiting
 * for what the page shows, reading the noVNC canvas. Every wait that runs out keeps a screenshot
 * and says what the page's status line said.
 */
final class Pages {
    private static final Pattern DESKTOP_ID = Pattern.compile("\"desktopId\"\\s*:\\s*\"([^\"]+)\"");

    private final Browser browser;
    private final Platform platform;

    Pages(Browser browser, Platform platform) {
        this.browser = browser;
        this.platform = platform;
    }

    Browser browser() {
        return browser;
    }

    /** Fills in and sends the sign-in form, starting without cookies. */
    void signIn(String user, String password) {
        browser.deleteCookies();
        browser.open(platform.baseUrl() + "/login.html");
        browser.typeInto("#username", user);
        browser.typeInto("#password", password);
        browser.click("#login-button");
    }

    /**
     * Waits until {@code condition} answers something other than null or false and returns it. A
     * failure while polling (the page is navigating) counts as "not yet".
     */
    <T> T await(Duration limit, String what, Supplier<T> condition) {
        Instant end = Instant.now().plus(limit);
        RuntimeException lastError = null;
        while (true) {
            try {
                T value = condition.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (!Instant.now().isBefore(end)) {
                break;
            }
            Platform.sleep(200);
        }
        browser.screenshot("failed-waiting-" + System.nanoTime());
        AssertionError failure =
                new AssertionError("no " + what + " within " + limit + "; page " + describePage());
        if (lastError != null) {
            failure.addSuppressed(lastError);
        }
        throw failure;
    }

    private String describePage() {
        try {
            return browser.currentUrl() + " status: " + text("#status");
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The text of the element {@code css} names, or null if there is none. */
    String text(String css) {
        Object text =
                browser.script(
                        "const el = document.querySelector(arguments[0]);"
                                + " return el ? el.textContent.trim() : null;",
                        css);
        return text == null ? null : String.valueOf(text);
    }

    /** An attribute of the element {@code css} names, or null. */
    String attribute(String css, String name) {
        Object value =
                browser.script(
                        "const el = document.querySelector(arguments[0]);"
                                + " return el ? el.getAttribute(arguments[1]) : null;",
                        css,
                        name);
        return value == null ? null : String.valueOf(value);
    }

    /** Whether an element {@code css} names is rendered (laid out and not hidden). */
    boolean visible(String css) {
        return Boolean.TRUE.equals(
                browser.script(
                        """
                        return Array.from(document.querySelectorAll(arguments[0])).some(el =>
                          el.getClientRects().length > 0
                            && getComputedStyle(el).visibility !== 'hidden');
                        """,
                        css));
    }

    boolean enabled(String css) {
        return Boolean.TRUE.equals(
                browser.script(
                        "const el = document.querySelector(arguments[0]);"
                                + " return !!el && !el.disabled;",
                        css));
    }

    /** Waits until {@code css} names a visible element. */
    void awaitVisible(String css, Duration limit) {
        await(limit, "visible " + css, () -> visible(css));
    }

    /**
     * Waits on "My desktops" until the first pool offers a desktop. Desktops become ready a while
     * after the platform is up (the host registers, the reconciler places the VMs): like a person,
     * the test reloads until one is available.
     */
    void awaitAvailableDesktop(Duration limit) {
        await(
                limit,
                "an available desktop",
                () -> {
                    String available = text("[data-pool-id] .pool-available");
                    if (available != null && available.matches("[1-9].*")) {
                        return true;
                    }
                    Platform.sleep(1500);
                    browser.reload();
                    return false;
                });
    }

    /** The viewer's connection state ({@code connecting}, {@code connected}, …). */
    String viewerState() {
        return attribute("#screen", "data-state");
    }

    void awaitViewerState(String state, Duration limit) {
        await(limit, "viewer state " + state, () -> state.equals(viewerState()));
    }

    /** Opens the viewer for {@code pool} and returns the status line once it failed. */
    String viewerFailure(String pool, Duration limit) {
        browser.open(platform.baseUrl() + "/viewer.html?pool=" + pool);
        return await(
                limit,
                "a failed viewer",
                () -> "failed".equals(attribute("#status", "data-state")) ? text("#status") : null);
    }

    void focusScreen() {
        browser.script("document.querySelector('#screen canvas').focus();");
    }

    /** Types {@code text} into the desktop: focuses the noVNC canvas, then presses the keys. */
    void typeIntoDesktop(String text) {
        focusScreen();
        browser.pressKeys(text);
    }

    Screen screen() {
        return Screen.sample(browser);
    }

    Screen awaitScreen(Duration limit, Predicate<Screen> wanted, String what) {
        return await(
                limit,
                what,
                () -> {
                    Screen now = Screen.sample(browser);
                    if (now != null && wanted.test(now)) {
                        return now;
                    }
                    Platform.sleep(100);
                    return null;
                });
    }

    /** Waits until the picture stays the same (within a cursor's blink) for {@code quiet}. */
    Screen awaitSettled(Duration limit, Duration quiet) {
        Instant end = Instant.now().plus(limit);
        Screen stable = null;
        Instant since = Instant.now();
        while (Instant.now().isBefore(end)) {
            Screen now = Screen.sample(browser);
            if (now == null || !now.sameAs(stable)) {
                stable = now;
                since = Instant.now();
            } else if (Duration.between(since, Instant.now()).compareTo(quiet) >= 0) {
                return stable;
            }
            Platform.sleep(250);
        }
        browser.screenshot("failed-settling");
        throw new AssertionError(
                "the picture did not settle within " + limit + "; last: " + stable);
    }

    /**
     * Pixels of the canvas in one of the console's colours (VGA palette: blue 0000AA, green 00AA00,
     * red AA0000), with room for scaling blur.
     */
    long colourPixels(String colour) {
        Object n =
                browser.script(
                        """
                        const canvas = document.querySelector('#screen canvas');
                        if (!canvas || canvas.width === 0) return 0;
                        const d = canvas.getContext('2d')
                            .getImageData(0, 0, canvas.width, canvas.height).data;
                        const want = arguments[0];
                        let count = 0;
                        for (let i = 0; i < d.length; i += 4) {
                          const r = d[i], g = d[i + 1], b = d[i + 2];
                          const hit = want === 'green' ? r < 60 && g > 120 && b < 60
                            : want === 'red' ? r > 120 && g < 60 && b < 60
                            : r < 60 && g < 60 && b > 120;
                          if (hit) count++;
                        }
                        return count;
                        """,
                        colour);
        return ((Number) n).longValue();
    }

    /** The user's sessions as the API returns them to the page (JSON text). */
    String sessionsJson() {
        return String.valueOf(
                browser.script(
                        """
                        return fetch('/api/v1/sessions', {headers: {Accept: 'application/json'}})
                          .then(r => r.text()).catch(e => String(e));
                        """));
    }

    /** The HTTP status of a request the page makes, or the error's text. */
    Object fetchStatus(String path, String method) {
        return browser.script(
                """
                return fetch(arguments[0], {method: arguments[1]})
                  .then(r => r.status).catch(e => String(e));
                """,
                path,
                method);
    }

    static List<String> desktopIds(String sessionsJson) {
        var m = DESKTOP_ID.matcher(sessionsJson);
        List<String> ids = new ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        if (ids.isEmpty()) {
            throw new AssertionError("no desktop in the sessions: " + sessionsJson);
        }
        return ids;
    }

    void shoot(String name) {
        browser.screenshot(name);
    }
}
