package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The first slice as a person meets it: {@code ./atrium up}, sign in with the printed demo account,
 * see the demo pool, connect, and watch a VM of Atrium's emulator run SeaBIOS in noVNC, with the
 * picture changing when the VM is reset and a key press reaching the firmware.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstSliceIT {
    private static final String ESCAPE = "\uE00C";

    private Platform platform;
    private Browser browser;
    private Pages pages;
    private Map<String, String> credentials;

    @BeforeAll
    void start() throws Exception {
        Path state = Files.createTempDirectory("atrium-first-slice");
        // The demo pool boots the Debian guest by default; this test watches SeaBIOS.
        platform = Platform.start(state, Platform.FIRMWARE_DEMO);
        credentials = platform.demoCredentials();
        browser = Browser.chromium();
        pages = new Pages(browser, platform);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
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

        browser.open(platform.baseUrl() + "/");
        pages.await(
                Duration.ofSeconds(20),
                "the login page",
                () -> browser.currentUrl().contains("/login"));
        assertTrue(pages.visible("#username"));
        assertTrue(pages.visible("#password"));
    }

    @Test
    @Order(2)
    void aWrongPasswordGetsAClearError() {
        pages.signIn(
                credentials.get("demo.user.username"),
                "not-" + credentials.get("demo.user.password"));
        pages.awaitVisible("#login-error", Duration.ofSeconds(20));
        String error = pages.text("#login-error");
        assertTrue(
                error.toLowerCase().contains("wrong"),
                "the error should say the name or password is wrong: " + error);
        pages.shoot("01-wrong-password");
    }

    @Test
    @Order(3)
    void theDemoUserConnectsAndSeesTheFirmwareOfAnEmulatedPc() {
        pages.signIn(credentials.get("demo.user.username"), credentials.get("demo.user.password"));
        pages.awaitAvailableDesktop(Duration.ofSeconds(120));
        pages.shoot("02-my-desktops");
        browser.click("[data-pool-id] .connect");

        pages.awaitViewerState("connected", Duration.ofSeconds(60));

        // The firmware's banner is on the first text row once the VGA BIOS and SeaBIOS have run.
        Screen banner =
                pages.awaitScreen(
                        Duration.ofSeconds(120), s -> s.litInTopBand() > 50, "a firmware banner");
        assertTrue(banner.width() >= 640 && banner.height() >= 400, banner.toString());
        Screen settled = pages.awaitSettled(Duration.ofSeconds(120), Duration.ofSeconds(5));
        assertTrue(settled.litInTopBand() > 50, "banner still shown once settled: " + settled);
        pages.shoot("03-firmware-screen");

        // Reset the VM: the picture must leave the settled one (the firmware starts over)…
        // Under load the viewer may be reconnecting; Reset is only offered while connected.
        pages.await(
                Duration.ofSeconds(60),
                "an enabled Reset while connected",
                () -> "connected".equals(pages.viewerState()) && pages.enabled("#reset-button"));
        browser.click("#reset-button");
        Screen during =
                pages.awaitScreen(
                        Duration.ofSeconds(60),
                        s -> !s.sameAs(settled),
                        "a picture after the reset");
        assertFalse(during.sameAs(settled));
        // …and once the banner is back, Escape opens SeaBIOS's boot menu, which the untouched run
        // never shows. SeaBIOS drops keys typed before its "Press ESC for boot menu" line and
        // ignores Escape for 1.5 s after the menu opens, so Escape is pressed every 250 ms while
        // only the banner and that prompt are on screen (at most two lit text rows), and no longer
        // once more rows appear.
        pages.awaitScreen(
                Duration.ofSeconds(120),
                s -> s.litInTopBand() > 50 && !s.sameAs(settled),
                "the banner again after the reset");
        pages.focusScreen();
        List<Screen> seen = new ArrayList<>();
        Instant pressUntil = Instant.now().plus(Duration.ofSeconds(60));
        Screen now = pages.screen();
        while (Instant.now().isBefore(pressUntil) && now != null && now.litBands() <= 2) {
            browser.pressKeys(ESCAPE);
            Platform.sleep(250);
            now = pages.screen();
            if (seen.isEmpty() || !seen.getLast().sameAs(now)) {
                seen.add(now);
            }
        }
        assertTrue(
                now != null && now.litBands() > 2,
                "the firmware never got past its prompt; screens seen: " + seen);
        Screen menu = pages.awaitSettled(Duration.ofSeconds(120), Duration.ofSeconds(5));
        pages.shoot("04-after-reset-and-escape");
        assertFalse(
                menu.sameAs(settled),
                "after Escape the firmware should show its boot menu, not the same screen: "
                        + menu);
        assertTrue(menu.litInTopBand() > 50, menu.toString());
        // Once the reset is done the status line shows the connection again, not "restarting".
        pages.await(
                Duration.ofSeconds(30),
                "the connected status line",
                () -> "Connected to your desktop.".equals(pages.text("#status")));
    }

    @Test
    @Order(4)
    void aPoolOfAnotherTenantIsRefused() throws Exception {
        String otherPool =
                platform.poolIdsOf(
                                credentials.get("other.user.username"),
                                credentials.get("other.user.password"))
                        .getFirst();
        Object status = pages.fetchStatus("/api/v1/pools/" + otherPool + "/connect", "POST");
        assertTrue(
                status instanceof Number n && (n.intValue() == 403 || n.intValue() == 404),
                "connecting to another tenant's pool must be refused, got " + status);
    }
}
