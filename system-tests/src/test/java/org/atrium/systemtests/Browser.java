package org.atrium.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium from the distribution's packages, driven through its chromedriver. Selenium's
 * own driver and browser download is never used: both executables are found on the PATH.
 */
final class Browser {
    private Browser() {}

    static ChromeDriver start() throws IOException {
        Path driver = executable("chromedriver");
        Path chromium = executable("chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("atrium-chromium"));
        // The browser's console (noVNC logs why it drops a connection) is kept with the artifacts.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }

    static void screenshot(ChromeDriver browser, String name) {
        keepConsole(browser);
        try {
            Path file = Platform.artifacts().resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends what the page logged since the last call to {@code console.log} in the artifacts. */
    static void keepConsole(ChromeDriver browser) {
        try {
            StringBuilder text = new StringBuilder();
            for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                text.append(entry).append('\n');
            }
            Files.writeString(
                    Platform.artifacts().resolve("console.log"),
                    text,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not keep the browser console: " + e);
        }
    }

    private static Path executable(String name) {
        Optional<Path> found =
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .map(dir -> Path.of(dir, name))
                        .filter(Files::isExecutable)
                        .findFirst();
        return found.orElseThrow(
                () ->
                        new IllegalStateException(
                                name + " is not on the PATH; .ci/install-prereqs installs it"));
    }
}
