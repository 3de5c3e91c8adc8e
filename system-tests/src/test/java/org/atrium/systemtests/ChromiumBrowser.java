package org.atrium.systemtests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium from the distribution's packages, driven through its chromedriver. Selenium's
 * own driver and browser download is never used: both executables are found on the PATH.
 */
final class ChromiumBrowser implements Browser {
    /** Characters a US keyboard types with Shift. */
    static final String SHIFTED = "~!@#$%^&*()_+{}|:\"<>?";

    private final ChromeDriver driver;
    private final Path profile;

    private ChromiumBrowser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static ChromiumBrowser start() throws IOException {
        Path driverExecutable = Browser.executable("chromedriver");
        Path chromium = Browser.executable("chromium");
        Path profile = Files.createTempDirectory("atrium-chromium");
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
                "--user-data-dir=" + profile);
        // The browser's console (noVNC logs why it drops a connection) is kept with the artifacts.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(driverExecutable.toFile())
                        .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new ChromiumBrowser(driver, profile);
    }

    @Override
    public String name() {
        return "chromium";
    }

    @Override
    public void open(String url) {
        driver.get(url);
    }

    @Override
    public void reload() {
        driver.navigate().refresh();
    }

    @Override
    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    @Override
    public Object script(String body, Object... args) {
        // One asynchronous form for every script, so that a body may return a promise.
        Object result =
                driver.executeAsyncScript(
                        """
                        const done = arguments[arguments.length - 1];
                        const args = Array.prototype.slice.call(arguments, 0, -1);
                        Promise.resolve()
                          .then(() => (function () {
                        %s
                          }).apply(null, args))
                          .then(value => done({value: value === undefined ? null : value}),
                                e => done({error: String((e && e.stack) || e)}));
                        """
                                .formatted(body),
                        args);
        if (!(result instanceof Map<?, ?> outcome)) {
            throw new IllegalStateException("script returned " + result);
        }
        if (outcome.containsKey("error")) {
            throw new IllegalStateException("script failed: " + outcome.get("error"));
        }
        return outcome.get("value");
    }

    @Override
    public void click(String css) {
        driver.findElement(By.cssSelector(css)).click();
    }

    @Override
    public void typeInto(String css, String text) {
        WebElement field = driver.findElement(By.cssSelector(css));
        field.clear();
        field.sendKeys(text);
    }

    @Override
    public void pressKeys(String text) {
        for (char c : text.toCharArray()) {
            Actions key = new Actions(driver);
            if (SHIFTED.indexOf(c) >= 0 || Character.isUpperCase(c)) {
                key.keyDown(Keys.SHIFT).sendKeys(String.valueOf(c)).keyUp(Keys.SHIFT);
            } else {
                key.sendKeys(String.valueOf(c));
            }
            key.perform();
            Platform.sleep(60);
        }
    }

    @Override
    public void clickAt(Point point) {
        press(new PointerInput(PointerInput.Kind.MOUSE, "mouse"), point);
    }

    @Override
    public void tap(Point point) {
        press(new PointerInput(PointerInput.Kind.TOUCH, "finger"), point);
    }

    /** {@code pointer} goes down at {@code point} and up again. */
    private void press(PointerInput pointer, Point point) {
        driver.perform(
                List.of(
                        new Sequence(pointer, 0)
                                .addAction(move(pointer, point, Duration.ZERO))
                                .addAction(pointer.createPointerDown(0))
                                .addAction(pointer.createPointerUp(0))));
    }

    @Override
    public void touchDrag(Point from, Point to) {
        PointerInput finger = new PointerInput(PointerInput.Kind.TOUCH, "finger");
        Sequence drag =
                new Sequence(finger, 0)
                        .addAction(move(finger, from, Duration.ZERO))
                        .addAction(finger.createPointerDown(0));
        for (int step = 1; step <= 10; step++) {
            double f = step / 10.0;
            Point at =
                    new Point(
                            from.x() + (to.x() - from.x()) * f, from.y() + (to.y() - from.y()) * f);
            drag.addAction(move(finger, at, Duration.ofMillis(30)));
        }
        drag.addAction(finger.createPointerUp(0));
        driver.perform(List.of(drag));
    }

    private static org.openqa.selenium.interactions.Interaction move(
            PointerInput finger, Point to, Duration duration) {
        return finger.createPointerMove(
                duration,
                PointerInput.Origin.viewport(),
                (int) Math.round(to.x()),
                (int) Math.round(to.y()));
    }

    @Override
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    @Override
    public void deleteCookies() {
        driver.manage().deleteAllCookies();
    }

    @Override
    public byte[] screenshotPng() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void keepConsole() {
        try {
            StringBuilder text = new StringBuilder();
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                text.append(entry).append('\n');
            }
            Browser.appendConsole(text.toString());
        } catch (RuntimeException e) {
            System.err.println("could not keep the browser console: " + e);
        }
    }

    @Override
    public void close() {
        keepConsole();
        try {
            driver.quit();
        } finally {
            FirefoxBrowser.deleteTree(profile);
        }
    }
}
