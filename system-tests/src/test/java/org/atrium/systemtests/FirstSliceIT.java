package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The first slice as a person meets it: {@code ./atrium up}, sign in with the printed demo account,
 * see the demo pool, connect, and watch a VM of Atrium's emulator run SeaBIOS in noVNC, with the
 * picture changing when the VM is reset and a key press reaching the firmware.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstSliceIT {
    private Platform platform;
    private ChromeDriver browser;
    private Map<String, String> credentials;

    @BeforeAll
    void start() throws Exception {
        Path state = Files.createTempDirectory("atrium-first-slice");
        // The demo pool boots the Debian guest by default; this test watches SeaBIOS.
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
            platform.close();
        }
    }

    @Test
    @Order(1)
    void servesTheLoginPageAndReportsReady() throws Exception {
        var ready = platform.get("/q/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"UP\""), ready.body());

        browser.get(platform.baseUrl() + "/");
        wait(Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("/login"));
        assertTrue(browser.findElement(By.id("username")).isDisplayed());
        assertTrue(browser.findElement(By.id("password")).isDisplayed());
    }

    @Test
    @Order(2)
    void aWrongPasswordGetsAClearError() {
        signIn(
                credentials.get("demo.user.username"),
                "not-" + credentials.get("demo.user.password"));
        WebElement error =
                wait(Duration.ofSeconds(20))
                        .until(d -> visible(d.findElements(By.id("login-error"))));
        assertTrue(
                error.getText().toLowerCase().contains("wrong"),
                "the error should say the name or password is wrong: " + error.getText());
        Browser.screenshot(browser, "01-wrong-password");
    }

    @Test
    @Order(3)
    void theDemoUserConnectsAndSeesTheFirmwareOfAnEmulatedPc() {
        signIn(credentials.get("demo.user.username"), credentials.get("demo.user.password"));
        // The demo pool's desktops become ready a few seconds after the platform is up (the host
        // registers, the reconciler places the VMs): like a person, reload until one is available.
        WebElement connect =
                wait(Duration.ofSeconds(120))
                        .until(
                                d -> {
                                    var available =
                                            d.findElements(
                                                    By.cssSelector(
                                                            "[data-pool-id] .pool-available"));
                                    if (!available.isEmpty()
                                            && available.getFirst().getText().matches("[1-9].*")) {
                                        return visible(
                                                d.findElements(
                                                        By.cssSelector("[data-pool-id] .connect")));
                                    }
                                    Platform.sleep(1000);
                                    d.navigate().refresh();
                                    return null;
                                });
        Browser.screenshot(browser, "02-my-desktops");
        connect.click();

        wait(Duration.ofSeconds(60))
                .until(
                        d ->
                                "connected"
                                        .equals(
                                                d.findElement(By.id("screen"))
                                                        .getAttribute("data-state")));

        // The firmware's banner is on the first text row once the VGA BIOS and SeaBIOS have run.
        Screen banner =
                awaitScreen(
                        Duration.ofSeconds(120), s -> s.litInTopBand() > 50, "a firmware banner");
        assertTrue(banner.width() >= 640 && banner.height() >= 400, banner.toString());
        Screen settled = awaitSettled(Duration.ofSeconds(120), Duration.ofSeconds(5));
        assertTrue(settled.litInTopBand() > 50, "banner still shown once settled: " + settled);
        Browser.screenshot(browser, "03-firmware-screen");

        // Reset the VM: the picture must leave the settled one (the firmware starts over)…
        // Under load the viewer may be reconnecting; Reset is only offered while connected.
        WebElement reset =
                wait(Duration.ofSeconds(60))
                        .until(
                                d -> {
                                    WebElement button = d.findElement(By.id("reset-button"));
                                    boolean connected =
                                            "connected"
                                                    .equals(
                                                            d.findElement(By.id("screen"))
                                                                    .getAttribute("data-state"));
                                    return connected && button.isEnabled() ? button : null;
                                });
        reset.click();
        Screen during =
                awaitScreen(
                        Duration.ofSeconds(60),
                        s -> !s.sameAs(settled),
                        "a picture after the reset");
        assertFalse(during.sameAs(settled));
        // …and once the banner is back, Escape opens SeaBIOS's boot menu, which the untouched run
        // never shows.
        // SeaBIOS drops keys typed before its "Press ESC for boot menu" line and ignores Escape for
        // 1.5 s
        // after the menu opens, so Escape is pressed every 250 ms while only the banner and that
        // prompt
        // are on screen (at most two lit text rows), and no longer once more rows appear.
        awaitScreen(
                Duration.ofSeconds(120),
                s -> s.litInTopBand() > 50 && !s.sameAs(settled),
                "the banner again after the reset");
        focusScreen();
        java.util.List<Screen> seen = new java.util.ArrayList<>();
        Instant pressUntil = Instant.now().plus(Duration.ofSeconds(60));
        Screen now = Screen.sample(browser);
        while (Instant.now().isBefore(pressUntil) && now != null && now.litBands() <= 2) {
            new Actions(browser).sendKeys(Keys.ESCAPE).perform();
            Platform.sleep(250);
            now = Screen.sample(browser);
            if (seen.isEmpty() || !seen.getLast().sameAs(now)) {
                seen.add(now);
            }
        }
        assertTrue(
                now != null && now.litBands() > 2,
                "the firmware never got past its prompt; screens seen: " + seen);
        Screen menu = awaitSettled(Duration.ofSeconds(120), Duration.ofSeconds(5));
        Browser.screenshot(browser, "04-after-reset-and-escape");
        assertFalse(
                menu.sameAs(settled),
                "after Escape the firmware should show its boot menu, not the same screen: "
                        + menu);
        assertTrue(menu.litInTopBand() > 50, menu.toString());
        // Once the reset is done the status line shows the connection again, not "restarting".
        wait(Duration.ofSeconds(30))
                .until(
                        d ->
                                "Connected to your desktop."
                                        .equals(d.findElement(By.id("status")).getText()));
    }

    @Test
    @Order(4)
    void aPoolOfAnotherTenantIsRefused() throws Exception {
        String otherPool =
                platform.poolIdsOf(
                                credentials.get("other.user.username"),
                                credentials.get("other.user.password"))
                        .getFirst();
        Object status =
                ((JavascriptExecutor) browser)
                        .executeAsyncScript(
                                """
                                const done = arguments[arguments.length - 1];
                                fetch('/api/v1/pools/' + arguments[0] + '/connect', {method: 'POST'})
                                  .then(r => done(r.status)).catch(e => done(String(e)));
                                """,
                                otherPool);
        assertTrue(
                status instanceof Number n && (n.intValue() == 403 || n.intValue() == 404),
                "connecting to another tenant's pool must be refused, got " + status);
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

    private void focusScreen() {
        ((JavascriptExecutor) browser)
                .executeScript("document.querySelector('#screen canvas').focus()");
    }

    private Screen awaitScreen(Duration limit, Predicate<Screen> wanted, String what) {
        Instant end = Instant.now().plus(limit);
        Screen last = null;
        while (Instant.now().isBefore(end)) {
            last = Screen.sample(browser);
            if (last != null && wanted.test(last)) {
                return last;
            }
            Platform.sleep(100);
        }
        Browser.screenshot(browser, "failed-waiting");
        throw new AssertionError("no " + what + " within " + limit + "; last: " + last);
    }

    /** Waits until the picture stays the same (within a cursor's blink) for {@code quiet}. */
    private Screen awaitSettled(Duration limit, Duration quiet) {
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
        Browser.screenshot(browser, "failed-settling");
        throw new AssertionError(
                "the picture did not settle within " + limit + "; last: " + stable);
    }

    /**
     * A wait that, when it runs out, keeps a screenshot and says what the page's status line said.
     */
    private WebDriverWait wait(Duration limit) {
        return new WebDriverWait(browser, limit) {
            @Override
            public <V> V until(java.util.function.Function<? super WebDriver, V> condition) {
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

    private static WebElement visible(java.util.List<WebElement> elements) {
        return elements.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
    }
}
