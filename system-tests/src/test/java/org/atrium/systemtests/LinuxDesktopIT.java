package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * A new user's whole path with the demo pool's Debian desktop, in a real browser: sign in, list,
 * connect, see the Linux console, run a command whose output (a green band) only the shell can
 * paint, disconnect, reconnect to the same desktop with the band still there, click at a point the
 * guest then marks (the absolute pointer lands on the clicked pixel), log off. The screenshots of
 * the user guide come from this run (target/artifacts; the guide-* ones are copied to docs/images).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxDesktopIT {
    /** The guest boots in the interpreter; on a loaded machine that takes minutes. */
    private static final Duration BOOT_LIMIT = Duration.ofMinutes(25);

    /** Typed into the guest's shell: paints a 60-column green band only when the shell runs it. */
    private static final String COMMAND = "printf '\\033[42m%60s\\033[0m\\n' \"$((6*7))\"";

    private static final String SHIFTED = "~!@#$%^&*()_+{}|:\"<>?";

    /** The band is 60 cells of 8x16 pixels: well above what echo or the prompt could paint. */
    private static final int BAND_PIXELS = 5000;

    /** The prompt's blue block " atrium " is 8 cells of 8x16 pixels. */
    private static final int PROMPT_PIXELS = 500;

    /**
     * Typed into the guest's shell: reads the virtio tablet's evdev events (16 bytes each on i386,
     * through one open descriptor so none is lost between reads), turns the absolute position back
     * into pixels of the 1024x768 framebuffer as the axis maximum 32767 scales them, and on a left
     * button press paints a 9x9 magenta square centred there into /dev/fb0 (x8r8g8b8, 4096 bytes a
     * row).
     */
    private static final List<String> MARKER_SCRIPT =
            List.of(
                    "for i in 1 2 3 4 5 6 7 8 9;do printf '\\377\\0\\377\\0';done>/tmp/m",
                    "e=$(grep -l Tablet /sys/class/input/event*/device/name);e=${e%/device/name}",
                    "exec 3</dev/input/${e##*/}",
                    "f(){ X=$(((x*1023+16383)/32767));Y=$(((y*767+16383)/32767));for i in 0 1 2 3"
                            + " 4 5 6 7 8;do dd if=/tmp/m of=/dev/fb0 bs=4"
                            + " seek=$(((Y+i-4)*1024+X-4)) conv=notrunc 2>/dev/null;done;}",
                    "while :;do set -- $(dd bs=16 count=1 <&3 2>/dev/null|od -An -tu2);[ \"$5\" = 3"
                            + " ]&&{ [ $6 = 0 ]&&x=$7||y=$7;};[ \"$5$6$7\" = 12721 ]&&f;done&");

    /** Where the test clicks, in framebuffer pixels: below the shell's lines, off any text. */
    private static final int CLICK_X = 801;

    private static final int CLICK_Y = 533;

    private Platform platform;
    private ChromeDriver browser;
    private Map<String, String> credentials;

    @BeforeAll
    void start() throws Exception {
        Path state = Files.createTempDirectory("atrium-linux-desktop");
        // One desktop is enough for one user and halves the emulation load of the run.
        platform = Platform.start(state, Map.of("ATRIUM_BOOTSTRAP_DEMO_POOL_SIZE", "1"));
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
    @Order(2)
    void runsACommandInTheLinuxDesktopAndFindsItAgainAfterReconnecting() {
        signIn(credentials.get("demo.user.username"), credentials.get("demo.user.password"));
        WebElement connect =
                wait(Duration.ofMinutes(3))
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
                                    Platform.sleep(2000);
                                    d.navigate().refresh();
                                    return null;
                                });
        shoot("guide-02-my-desktops");
        connect.click();
        awaitState("connected", Duration.ofMinutes(2));

        // The prompt's blue block appears once init has started the shell on tty1.
        wait(BOOT_LIMIT).until(d -> colourPixels("blue") > PROMPT_PIXELS);
        shoot("guide-03-linux-console");
        String sessionBefore = sessionsJson();

        assertEquals(0, colourPixels("green"), "no green before the command runs");
        typeIntoDesktop(COMMAND + "\n");
        wait(Duration.ofMinutes(3)).until(d -> colourPixels("green") > BAND_PIXELS);
        shoot("guide-04-command-output");

        browser.findElement(By.id("disconnect-button")).click();
        awaitState("disconnected", Duration.ofSeconds(30));
        shoot("guide-05-disconnected");

        browser.findElement(By.id("reconnect-button")).click();
        awaitState("connected", Duration.ofMinutes(2));
        // Same desktop: what the command painted is still there.
        wait(Duration.ofMinutes(2)).until(d -> colourPixels("green") > BAND_PIXELS);
        shoot("guide-06-reconnected");
        assertEquals(
                desktopIds(sessionBefore),
                desktopIds(sessionsJson()),
                "reconnecting must return to the same desktop");
    }

    @Test
    @Order(3)
    void aClickLandsOnTheGuestPixelUnderThePointer() {
        // 1:1, so a CSS pixel of the page is a pixel of the guest's screen.
        browser.findElement(By.id("scale-button")).click();
        for (String line : MARKER_SCRIPT) {
            typeIntoDesktop(line + "\n");
        }
        assertEquals(0, markerBox().get("count"), "no magenta before the click");
        @SuppressWarnings("unchecked")
        List<Number> at =
                (List<Number>)
                        ((JavascriptExecutor) browser)
                                .executeScript(
                                        """
                                        const c = document.querySelector('#screen canvas');
                                        c.scrollIntoView({block: 'nearest'});
                                        // The integer point inside the pixel's CSS box
                                        // [left + x, left + x + 1): noVNC truncates.
                                        const r = c.getBoundingClientRect();
                                        return [Math.ceil(r.left + arguments[0]),
                                                Math.ceil(r.top + arguments[1])];
                                        """,
                                        CLICK_X,
                                        CLICK_Y);
        new Actions(browser)
                .moveToLocation(at.get(0).intValue(), at.get(1).intValue())
                .click()
                .perform();
        Map<String, Long> box =
                wait(Duration.ofMinutes(3))
                        .until(
                                d -> {
                                    Map<String, Long> b = markerBox();
                                    return b.get("count") >= 81 ? b : null;
                                });
        shoot("tablet-click-marker");
        assertEquals(81, box.get("count"), "one 9x9 square: " + box);
        assertEquals(CLICK_X, (box.get("minX") + box.get("maxX")) / 2, "column: " + box);
        assertEquals(CLICK_Y, (box.get("minY") + box.get("maxY")) / 2, "row: " + box);
    }

    /** The bounding box and count of the canvas's magenta (FF00FF) pixels. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> markerBox() {
        return (Map<String, Long>)
                ((JavascriptExecutor) browser)
                        .executeScript(
                                """
                                const c = document.querySelector('#screen canvas');
                                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                                let count = 0, minX = 1e9, minY = 1e9, maxX = -1, maxY = -1;
                                for (let i = 0; i < d.length; i += 4) {
                                  if (d[i] > 200 && d[i + 1] < 60 && d[i + 2] > 200) {
                                    const p = i / 4, x = p % c.width, y = Math.floor(p / c.width);
                                    count++;
                                    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
                                    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
                                  }
                                }
                                return {count, minX, minY, maxX, maxY};
                                """);
    }

    @Test
    @Order(4)
    void loggingOffEndsTheSession() {
        browser.get(platform.baseUrl() + "/");
        WebElement logoff =
                wait(Duration.ofSeconds(30))
                        .until(d -> visible(d.findElements(By.cssSelector(".logoff"))));
        logoff.click();
        WebElement confirm =
                wait(Duration.ofSeconds(10))
                        .until(d -> visible(d.findElements(By.id("logoff-confirm"))));
        shoot("guide-07-log-off");
        confirm.click();
        wait(Duration.ofSeconds(30))
                .until(d -> d.findElement(By.id("portal-status")).getText().contains("Logged off"));
        wait(Duration.ofSeconds(30)).until(d -> !sessionsJson().contains("\"id\""));
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

    /**
     * Types {@code text} into the focused noVNC canvas one key at a time, holding Shift for the
     * characters a US keyboard types with it: chromedriver sends "%" as a key on Digit5 without a
     * Shift key event, and the desktop receives scan codes (QEMU extended key events), so without
     * the Shift press the guest would see "5".
     */
    private void typeIntoDesktop(String text) {
        ((JavascriptExecutor) browser)
                .executeScript("document.querySelector('#screen canvas').focus()");
        for (char c : text.toCharArray()) {
            Actions key = new Actions(browser);
            if (SHIFTED.indexOf(c) >= 0 || Character.isUpperCase(c)) {
                key.keyDown(Keys.SHIFT).sendKeys(String.valueOf(c)).keyUp(Keys.SHIFT);
            } else {
                key.sendKeys(String.valueOf(c));
            }
            key.perform();
            Platform.sleep(60);
        }
    }

    /**
     * Pixels of the canvas in one of the console's colours (VGA palette: blue 0000AA, green
     * 00AA00), with room for scaling blur.
     */
    private long colourPixels(String colour) {
        Object n =
                ((JavascriptExecutor) browser)
                        .executeScript(
                                """
                                const canvas = document.querySelector('#screen canvas');
                                if (!canvas || canvas.width === 0) return 0;
                                const d = canvas.getContext('2d')
                                    .getImageData(0, 0, canvas.width, canvas.height).data;
                                const green = arguments[0] === 'green';
                                let count = 0;
                                for (let i = 0; i < d.length; i += 4) {
                                  const r = d[i], g = d[i + 1], b = d[i + 2];
                                  if (r < 60 && (green ? g > 120 && b < 60 : b > 120 && g < 60)) {
                                    count++;
                                  }
                                }
                                return count;
                                """,
                                colour);
        return ((Number) n).longValue();
    }

    private String sessionsJson() {
        return String.valueOf(
                ((JavascriptExecutor) browser)
                        .executeAsyncScript(
                                """
                                const done = arguments[arguments.length - 1];
                                fetch('/api/v1/sessions', {headers: {Accept: 'application/json'}})
                                  .then(r => r.text()).then(done).catch(e => done(String(e)));
                                """));
    }

    private static List<String> desktopIds(String sessionsJson) {
        var m =
                java.util.regex.Pattern.compile("\"desktopId\"\\s*:\\s*\"([^\"]+)\"")
                        .matcher(sessionsJson);
        List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertTrue(!ids.isEmpty(), "no desktop in the sessions: " + sessionsJson);
        return ids;
    }

    private void awaitState(String state, Duration limit) {
        wait(limit)
                .until(
                        d ->
                                state.equals(
                                        d.findElement(By.id("screen")).getAttribute("data-state")));
    }

    private void shoot(String name) {
        Browser.screenshot(browser, name);
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
