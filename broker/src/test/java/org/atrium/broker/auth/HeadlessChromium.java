package org.atrium.broker.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium and chromedriver from the distribution's packages (.ci/install-prereqs), found
 * on the PATH; Selenium's own downloads are never used. The same setup as system-tests' Browser,
 * which this module cannot depend on.
 */
final class HeadlessChromium {
    private HeadlessChromium() {}

    static ChromeDriver start() throws IOException {
        var options = new ChromeOptions();
        options.setBinary(executable("chromium").toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("atrium-chromium"));
        var service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(executable("chromedriver").toFile())
                        .build();
        var browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return browser;
    }

    private static Path executable(String name) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        name
                                                + " is not on the PATH; .ci/install-prereqs"
                                                + " installs it"));
    }
}
