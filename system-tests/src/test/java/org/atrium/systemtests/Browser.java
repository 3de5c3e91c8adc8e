package org.atrium.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real browser as the tests drive it: the few things a person does (open a page, click, type,
 * touch) plus running a script in the page to read what it shows. Chromium is driven through
 * Debian's chromedriver, Firefox through WebDriver BiDi spoken directly (Debian has no
 * geckodriver). Clicks, keys and touches are real input events in both, never {@code el.click()}.
 */
sealed interface Browser extends AutoCloseable permits ChromiumBrowser, FirefoxBrowser {

    /** A point in CSS pixels of the page's viewport. */
    record Point(double x, double y) {}

    /** Headless Chromium from the distribution's packages. */
    static Browser chromium() throws IOException {
        return ChromiumBrowser.start();
    }

    /** Headless Firefox ESR from the distribution's packages. */
    static Browser firefox() throws IOException {
        return FirefoxBrowser.start();
    }

    /** Short name used in artifact file names ({@code chromium}, {@code firefox}). */
    String name();

    void open(String url);

    void reload();

    String currentUrl();

    /**
     * Runs {@code body} as the body of a function with the given arguments (strings, numbers,
     * booleans) and returns its result as Java values: String, Number, Boolean, List, Map or null.
     * A body that returns a promise is awaited.
     */
    Object script(String body, Object... args);

    /** Clicks the element {@code css} names with the mouse, at its centre. */
    void click(String css);

    /** Focuses the element {@code css} names and types {@code text} into it as key presses. */
    void typeInto(String css, String text);

    /**
     * Presses the keys of {@code text} into whatever has the focus, one at a time. Characters a US
     * keyboard types with Shift get a real Shift press around them: the desktop receives scan codes
     * (QEMU extended key events), so "%" sent without Shift would reach the guest as "5". Besides
     * characters, {@code text} may hold WebDriver key codes (U+E000…), e.g. {@code "\uE00C"}
     * (Escape); a newline is Enter.
     */
    void pressKeys(String text);

    /** The mouse moves to {@code point} (viewport CSS pixels) and clicks the left button. */
    void clickAt(Point point);

    /** One finger touches {@code point} and lifts again. */
    void tap(Point point);

    /** One finger touches {@code from}, moves to {@code to} in steps, and lifts. */
    void touchDrag(Point from, Point to);

    /** Resizes the viewport (for a phone-sized touch screen). */
    void resize(int width, int height);

    void deleteCookies();

    byte[] screenshotPng();

    /** Appends what the page logged since the last call to the artifacts' console log. */
    void keepConsole();

    @Override
    void close();

    /** Keeps a screenshot named {@code name} (prefixed with the browser's name) as an artifact. */
    default void screenshot(String name) {
        keepConsole();
        try {
            Files.write(Platform.artifacts().resolve(artifactName(name) + ".png"), screenshotPng());
        } catch (IOException | RuntimeException e) {
            System.err.println("could not keep screenshot " + name + ": " + e);
        }
    }

    /**
     * The artifact name of {@code name}: Chromium's keep their old names (the user guide's images
     * come from them), Firefox's are prefixed.
     */
    default String artifactName(String name) {
        return this instanceof ChromiumBrowser ? name : name() + "-" + name;
    }

    /** Appends {@code text} to the console log of the artifacts. */
    static void appendConsole(String text) {
        try {
            Files.writeString(
                    Platform.artifacts().resolve("console.log"),
                    text,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first executable of one of {@code names} on the PATH. */
    static Path executable(String... names) {
        List<String> dirs = List.of(System.getenv().getOrDefault("PATH", "").split(":"));
        Optional<Path> found =
                Stream.of(names)
                        .flatMap(name -> dirs.stream().map(dir -> Path.of(dir, name)))
                        .filter(Files::isExecutable)
                        .findFirst();
        return found.orElseThrow(
                () ->
                        new IllegalStateException(
                                String.join(" or ", names)
                                        + " is not on the PATH; .ci/install-prereqs installs it"));
    }
}
