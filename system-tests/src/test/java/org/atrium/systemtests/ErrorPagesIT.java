package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a user sees in the browser when something is wrong: a wrong password, a pool they are not
 * entitled to, an old link to a pool that is gone, a stopped desktop host. Each has its own
 * message. The demo pool boots SeaBIOS here: no test needs a guest, only a desktop on a host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErrorPagesIT {
    private Platform platform;
    private ChromeDriver browser;
    private Map<String, String> credentials;

    @BeforeAll
    void start() throws Exception {
        Path state = Files.createTempDirectory("atrium-error-pages");
        platform = Platform.start(state, Platform.FIRMWARE_DEMO);
        credentials = platform.demoCredentials();
        browser = Browser.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            Browser.keepConsole(browser);
            browser.quit();
        }
        if (platform != null) {
            try {
                // A stopped host would not end on the launcher's TERM.
                platform.signalHost(false);
            } catch (RuntimeException e) {
                System.err.println("could not continue the host: " + e);
            }
            platform.close();
        }
    }

    @Test
    @Order(1)
    void aWrongPassword() {
        signIn(
                credentials.get("demo.user.username"),
                "not-" + credentials.get("demo.user.password"));
        WebElement error =
                wait(Duration.ofSeconds(30))
                        .until(d -> visible(d.findElements(By.id("login-error"))));
        assertTrue(error.getText().contains("Wrong user name or password"), error.getText());
        Browser.screenshot(browser, "error-wrong-password");
    }

    @Test
    @Order(2)
    void aPoolTheUserIsNotEntitledTo() throws Exception {
        // The demo admin's pools include one of the same tenant the demo user may not use.
        List<String> mine =
                platform.poolIdsOf(
                        credentials.get("demo.user.username"),
                        credentials.get("demo.user.password"));
        String adminsOnly =
                platform
                        .poolIdsOf(
                                credentials.get("demo.admin.username"),
                                credentials.get("demo.admin.password"))
                        .stream()
                        .filter(id -> !mine.contains(id))
                        .findFirst()
                        .orElseThrow();
        signIn(credentials.get("demo.user.username"), credentials.get("demo.user.password"));
        awaitPortal();
        String status = viewerFailure(adminsOnly, Duration.ofSeconds(30));
        assertTrue(status.contains("not entitled"), status);
        Browser.screenshot(browser, "error-unentitled-pool");
    }

    @Test
    @Order(3)
    void anOldLinkToAPoolThatIsGone() {
        String status = viewerFailure(UUID.randomUUID().toString(), Duration.ofSeconds(30));
        assertTrue(status.contains("does not exist"), status);
        Browser.screenshot(browser, "error-old-link");
    }

    @Test
    @Order(4)
    void aStoppedHost() throws Exception {
        String pool =
                platform.poolIdsOf(
                                credentials.get("demo.user.username"),
                                credentials.get("demo.user.password"))
                        .getFirst();
        // First a desktop must be ready, so that only the stopped host can take it away.
        browser.get(platform.baseUrl() + "/");
        wait(Duration.ofMinutes(2))
                .until(
                        d -> {
                            var available =
                                    d.findElements(
                                            By.cssSelector("[data-pool-id] .pool-available"));
                            if (!available.isEmpty()
                                    && available.getFirst().getText().matches("[1-9].*")) {
                                return true;
                            }
                            Platform.sleep(1000);
                            d.navigate().refresh();
                            return null;
                        });
        platform.signalHost(true);
        // The broker takes the host for down after its heartbeat timeout (15 s by default).
        Platform.sleep(20_000);
        String status = viewerFailure(pool, Duration.ofMinutes(2));
        Browser.screenshot(browser, "error-stopped-host");
        assertTrue(status.contains("No desktop is available"), status);
    }

    /** Opens the viewer for {@code pool} and returns the status line once it failed. */
    private String viewerFailure(String pool, Duration limit) {
        browser.get(platform.baseUrl() + "/viewer.html?pool=" + pool);
        return wait(limit)
                .until(
                        d -> {
                            WebElement s = d.findElement(By.id("status"));
                            return "failed".equals(s.getAttribute("data-state"))
                                    ? s.getText()
                                    : null;
                        });
    }

    private void awaitPortal() {
        wait(Duration.ofSeconds(30))
                .until(d -> visible(d.findElements(By.cssSelector("[data-pool-id]"))));
    }

    private void signIn(String user, String password) {
        browser.manage().deleteAllCookies();
        browser.get(platform.baseUrl() + "/login.html");
        WebElement name = browser.findElement(By.id("username"));
        name.clear();
        name.sendKeys(user);
        WebElement secret = browser.findElement(By.id("password"));
        secret.clear();
        secret.sendKeys(password);
        browser.findElement(By.id("login-button")).click();
    }

    private WebDriverWait wait(Duration limit) {
        return new WebDriverWait(browser, limit) {
            @Override
            public <V> V until(Function<? super WebDriver, V> condition) {
                try {
                    return super.until(condition);
                } catch (TimeoutException e) {
                    Browser.screenshot(browser, "failed-waiting-" + System.nanoTime());
                    var status = browser.findElements(By.id("status"));
                    throw new TimeoutException(
                            "page "
                                    + browser.getCurrentUrl()
                                    + (status.isEmpty()
                                            ? ""
                                            : " status: " + status.getFirst().getText()),
                            e);
                }
            }
        };
    }

    private static WebElement visible(List<WebElement> elements) {
        return elements.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }
}
