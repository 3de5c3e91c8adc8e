package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * A new user's whole path with the demo pool's Debian desktop, in real browsers: sign in, list,
 * connect, see the Linux console, run a command whose output (a coloured band) only the shell can
 * paint, disconnect, reconnect to the same desktop with the band still there, click at a point the
 * guest then marks (the absolute pointer lands on the clicked pixel), log off. Chromium walks it
 * with mouse and keyboard first; Firefox then walks it on the same desktop (one guest boot for
 * both) with a touch screen's taps for the toolbar and the portal. The screenshots of the user
 * guide come from this run (target/artifacts; the guide-* ones are copied to docs/images).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinuxDesktopIT {
    /** The guest boots in the interpreter; on a loaded machine that takes minutes. */
    private static final Duration BOOT_LIMIT = Duration.ofMinutes(25);

    /** Typed into the guest's shell: paints a 60-column band only when the shell runs it. */
    private static final String GREEN_COMMAND = "printf '\\033[42m%60s\\033[0m\\n' \"$((6*7))\"";

    private static final String RED_COMMAND = "printf '\\033[41m%60s\\033[0m\\n' \"$((6*9))\"";

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
    private Browser chromium;
    private Pages pages;
    private Map<String, String> credentials;
    private String desktopOfTheSession;

    @BeforeAll
    void start() throws Exception {
        Path state = Files.createTempDirectory("atrium-linux-desktop");
        // One desktop is enough for one user and halves the emulation load of the run.
        platform = Platform.start(state, Map.of("ATRIUM_BOOTSTRAP_DEMO_POOL_SIZE", "1"));
        credentials = platform.demoCredentials();
        chromium = Browser.chromium();
        pages = new Pages(chromium, platform);
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void runsACommandInTheLinuxDesktopAndFindsItAgainAfterReconnecting() {
        pages.signIn(credentials.get("demo.user.username"), credentials.get("demo.user.password"));
        // A desktop is offered once its guest is up, which takes the boot's time.
        pages.awaitAvailableDesktop(BOOT_LIMIT);
        pages.shoot("guide-02-my-desktops");
        chromium.click("[data-pool-id] .connect");
        pages.awaitViewerState("connected", Duration.ofMinutes(2));

        // The prompt's blue block appears once init has started the shell on tty1.
        pages.await(
                BOOT_LIMIT, "the shell's prompt", () -> pages.colourPixels("blue") > PROMPT_PIXELS);
        pages.shoot("guide-03-linux-console");
        String sessionBefore = pages.sessionsJson();

        assertEquals(0, pages.colourPixels("green"), "no green before the command runs");
        pages.typeIntoDesktop(GREEN_COMMAND + "\n");
        pages.await(
                Duration.ofMinutes(3),
                "the command's green band",
                () -> pages.colourPixels("green") > BAND_PIXELS);
        pages.shoot("guide-04-command-output");

        chromium.click("#disconnect-button");
        pages.awaitViewerState("disconnected", Duration.ofSeconds(30));
        pages.shoot("guide-05-disconnected");

        chromium.click("#reconnect-button");
        pages.awaitViewerState("connected", Duration.ofMinutes(2));
        // Same desktop: what the command painted is still there.
        pages.await(
                Duration.ofMinutes(2),
                "the green band after reconnecting",
                () -> pages.colourPixels("green") > BAND_PIXELS);
        pages.shoot("guide-06-reconnected");
        desktopOfTheSession = Pages.desktopIds(sessionBefore).getFirst();
        assertEquals(
                Pages.desktopIds(sessionBefore),
                Pages.desktopIds(pages.sessionsJson()),
                "reconnecting must return to the same desktop");

        // Touch: a tap is a click on the desktop, a drag moves with the button held.
        Touch.tapsAndDragsReachTheDesktop(pages);
    }

    @Test
    @Order(2)
    void aClickLandsOnTheGuestPixelUnderThePointer() {
        // 1:1, so a CSS pixel of the page is a pixel of the guest's screen.
        chromium.click("#scale-button");
        for (String line : MARKER_SCRIPT) {
            pages.typeIntoDesktop(line + "\n");
        }
        assertEquals(0L, markerBox().get("count").longValue(), "no magenta before the click");
        @SuppressWarnings("unchecked")
        List<Number> at =
                (List<Number>)
                        chromium.script(
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
        chromium.clickAt(new Browser.Point(at.get(0).intValue(), at.get(1).intValue()));
        pages.await(
                Duration.ofMinutes(3),
                "the guest's marker under the click",
                () -> markerBox().get("count").longValue() >= 81);
        Map<String, Number> box = markerBox();
        pages.shoot("tablet-click-marker");
        assertEquals(81L, box.get("count").longValue(), "one 9x9 square: " + box);
        assertEquals(
                CLICK_X,
                (box.get("minX").longValue() + box.get("maxX").longValue()) / 2,
                "column: " + box);
        assertEquals(
                CLICK_Y,
                (box.get("minY").longValue() + box.get("maxY").longValue()) / 2,
                "row: " + box);
        // Back to fitting the window, as the rest of the walk expects.
        chromium.click("#scale-button");
    }

    /** The bounding box and count of the canvas's magenta (FF00FF) pixels. */
    @SuppressWarnings("unchecked")
    private Map<String, Number> markerBox() {
        return (Map<String, Number>)
                chromium.script(
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
    @Order(3)
    void theLogOffQuestionShowsTheSessionAsItIs() {
        // Leaving the viewer closes its connection: the list must not claim "Connected".
        chromium.open(platform.baseUrl() + "/");
        pages.awaitVisible(".logoff", Duration.ofSeconds(30));
        chromium.click(".logoff");
        pages.awaitVisible("#logoff-confirm", Duration.ofSeconds(10));
        pages.await(
                Duration.ofSeconds(30),
                "the session shown as disconnected while the question is open",
                () -> "Disconnected (still running)".equals(pages.text(".session-state")));
        pages.shoot("guide-07-log-off");
        chromium.click("#logoff-cancel");
        pages.await(
                Duration.ofSeconds(10),
                "the question closed",
                () -> !pages.visible("#logoff-confirm"));
    }

    /**
     * The same path in Firefox, on the desktop Chromium left running: its session is listed,
     * reconnecting shows the guest with Chromium's band still there, a new command paints a red
     * band, and on a phone-sized touch screen the toolbar's Disconnect and Connect again and the
     * portal's Log off are tapped.
     */
    @Test
    @Order(4)
    void firefoxWalksThePathWithTouch() throws Exception {
        try (Browser firefox = Browser.firefox()) {
            Pages fx = new Pages(firefox, platform);
            fx.signIn(credentials.get("demo.user.username"), credentials.get("demo.user.password"));
            fx.awaitVisible("[data-session-id] .reconnect", Duration.ofSeconds(60));
            fx.await(
                    Duration.ofSeconds(30),
                    "Chromium's session listed as disconnected",
                    () -> "Disconnected (still running)".equals(fx.text(".session-state")));
            fx.shoot("my-desktops");
            firefox.click("[data-session-id] .reconnect");
            fx.awaitViewerState("connected", Duration.ofMinutes(2));
            fx.await(
                    Duration.ofMinutes(2),
                    "the prompt and Chromium's green band",
                    () ->
                            fx.colourPixels("blue") > PROMPT_PIXELS
                                    && fx.colourPixels("green") > BAND_PIXELS);
            assertEquals(
                    desktopOfTheSession,
                    Pages.desktopIds(fx.sessionsJson()).getFirst(),
                    "Firefox must reach the desktop Chromium used");

            assertEquals(0, fx.colourPixels("red"), "no red before the command runs");
            fx.typeIntoDesktop(RED_COMMAND + "\n");
            fx.await(
                    Duration.ofMinutes(3),
                    "the command's red band",
                    () -> fx.colourPixels("red") > BAND_PIXELS);
            fx.shoot("command-output");

            Touch.tapsAndDragsReachTheDesktop(fx);

            // A phone-sized touch screen: the toolbar wraps, every control stays on screen.
            firefox.resize(412, 860);
            Touch.assertToolbarOnScreen(fx);
            Touch.tap(fx, "#disconnect-button");
            fx.awaitViewerState("disconnected", Duration.ofSeconds(30));
            fx.shoot("touch-disconnected");
            Touch.tap(fx, "#reconnect-button");
            fx.awaitViewerState("connected", Duration.ofMinutes(2));
            fx.await(
                    Duration.ofMinutes(2),
                    "the red band after reconnecting",
                    () -> fx.colourPixels("red") > BAND_PIXELS);
            fx.shoot("touch-reconnected");

            Touch.tap(fx, "#back-link");
            fx.awaitVisible(".logoff", Duration.ofSeconds(30));
            Touch.tap(fx, ".logoff");
            fx.awaitVisible("#logoff-confirm", Duration.ofSeconds(10));
            fx.await(
                    Duration.ofSeconds(30),
                    "the session shown as disconnected while the question is open",
                    () -> "Disconnected (still running)".equals(fx.text(".session-state")));
            fx.shoot("touch-log-off");
            Touch.tap(fx, "#logoff-confirm");
            fx.await(
                    Duration.ofSeconds(30),
                    "the logged-off message",
                    () -> String.valueOf(fx.text("#portal-status")).contains("Logged off"));
            fx.await(
                    Duration.ofSeconds(30),
                    "no session left",
                    () -> !fx.sessionsJson().contains("\"id\""));
            fx.shoot("logged-off");
        }
    }
}
