package org.atrium.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

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
        ChromeDriverService service =
                new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile()).build();
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return browser;
    }

    static void screenshot(ChromeDriver browser, String name) {
        try {
            Path file = Platform.artifacts().resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
