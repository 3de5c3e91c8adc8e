package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

/**
 * The viewer on a touch screen, checked the same way in both browsers: taps and drags are real
 * touch input (WebDriver pointer actions of type "touch"), and what they must produce is read from
 * the RFB stream the page sends to the desktop: noVNC turns a one-finger tap into a left-button
 * press and release (RFB PointerEvent, RFC 6143 section 7.5.5) where the finger was, and a
 * one-finger drag into a press at its start and a release at its end.
 */
final class Touch {
    /** How far, in desktop pixels, an event may lie from the touched point (scaling rounds). */
    private static final int SLACK = 4;

    /**
     * Records every RFB PointerEvent the page sends from now on as [buttons, x, y]. noVNC sends
     * each pointer event as one WebSocket message of its own; the recorder wraps the prototype's
     * send, so it sees the socket noVNC already has open.
     */
    private static final String RECORD =
            """
            if (!window.atriumPointerEvents) {
              window.atriumPointerEvents = [];
              const send = WebSocket.prototype.send;
              WebSocket.prototype.send = function (data) {
                const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
                  : ArrayBuffer.isView(data)
                    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
                if (bytes && bytes[0] === 5 && (bytes.length === 6 || bytes.length === 7)) {
                  window.atriumPointerEvents.push(
                    [bytes[1] & 0x7f, (bytes[2] << 8) | bytes[3], (bytes[4] << 8) | bytes[5]]);
                }
                return send.call(this, data);
              };
            }
            window.atriumPointerEvents.length = 0;
            const canvas = document.querySelector('#screen canvas');
            const r = canvas.getBoundingClientRect();
            return [r.left, r.top, r.width, r.height, canvas.width, canvas.height];
            """;

    private Touch() {}

    /** Where the desktop is shown: its box in the page and its size in desktop pixels. */
    private record Canvas(
            double left, double top, double width, double height, int fbWidth, int fbHeight) {
        /** The page point that shows desktop pixel (x, y). */
        Browser.Point at(int x, int y) {
            return new Browser.Point(
                    left + (x + 0.5) * width / fbWidth, top + (y + 0.5) * height / fbHeight);
        }
    }

    static void tapsAndDragsReachTheDesktop(Pages pages) {
        Browser browser = pages.browser();
        Canvas canvas = record(browser);
        int x = canvas.fbWidth() / 4;
        int y = canvas.fbHeight() / 2;
        browser.tap(canvas.at(x, y));
        List<List<Integer>> tap =
                pages.await(
                        Duration.ofSeconds(10),
                        "a press and release from the tap",
                        () -> pressThenRelease(events(browser), x, y, x, y));
        assertEquals(1, tap.getFirst().getFirst(), "a tap presses the left button: " + tap);

        canvas = record(browser);
        int toX = canvas.fbWidth() * 3 / 5;
        int toY = canvas.fbHeight() * 3 / 5;
        browser.touchDrag(canvas.at(x, y), canvas.at(toX, toY));
        List<List<Integer>> drag =
                pages.await(
                        Duration.ofSeconds(10),
                        "a press at the drag's start and a release at its end",
                        () -> pressThenRelease(events(browser), x, y, toX, toY));
        assertTrue(
                drag.stream().anyMatch(e -> e.get(0) == 1 && e.get(1) > x + SLACK),
                "the button stays down while the finger moves: " + drag);
        pages.shoot("touch-after-drag");
    }

    /**
     * The events from a left press near (x, y) to a release near (toX, toY), or null if the
     * recorded ones hold no such pair yet.
     */
    private static List<List<Integer>> pressThenRelease(
            List<List<Integer>> events, int x, int y, int toX, int toY) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).get(0) == 1 && near(events.get(i), x, y)) {
                for (int j = i + 1; j < events.size(); j++) {
                    if (events.get(j).get(0) == 0 && near(events.get(j), toX, toY)) {
                        return events.subList(i, j + 1);
                    }
                }
            }
        }
        return null;
    }

    private static boolean near(List<Integer> event, int x, int y) {
        return Math.abs(event.get(1) - x) <= SLACK && Math.abs(event.get(2) - y) <= SLACK;
    }

    private static Canvas record(Browser browser) {
        List<?> box = (List<?>) browser.script(RECORD);
        return new Canvas(
                number(box, 0),
                number(box, 1),
                number(box, 2),
                number(box, 3),
                (int) number(box, 4),
                (int) number(box, 5));
    }

    private static double number(List<?> values, int i) {
        return ((Number) values.get(i)).doubleValue();
    }

    private static List<List<Integer>> events(Browser browser) {
        List<?> raw = (List<?>) browser.script("return window.atriumPointerEvents;");
        return raw.stream()
                .map(e -> ((List<?>) e).stream().map(n -> ((Number) n).intValue()).toList())
                .toList();
    }

    /** Taps the centre of the element {@code css} names with one finger. */
    static void tap(Pages pages, String css) {
        pages.awaitVisible(css, Duration.ofSeconds(30));
        List<?> centre =
                (List<?>)
                        pages.browser()
                                .script(
                                        """
                                        const all = Array.from(document.querySelectorAll(arguments[0]));
                                        const el = all.find(e => e.getClientRects().length > 0);
                                        el.scrollIntoView({block: 'center', inline: 'center'});
                                        const r = el.getBoundingClientRect();
                                        return [r.left + r.width / 2, r.top + r.height / 2];
                                        """,
                                        css);
        pages.browser().tap(new Browser.Point(number(centre, 0), number(centre, 1)));
    }

    /**
     * Every toolbar control that is shown lies inside the viewport, none narrower than a finger.
     */
    static void assertToolbarOnScreen(Pages pages) {
        Object offScreen =
                pages.browser()
                        .script(
                                """
                                return Array.from(document.querySelectorAll('.toolbar a, .toolbar button'))
                                  .filter(el => el.getClientRects().length > 0)
                                  .filter(el => {
                                    const r = el.getBoundingClientRect();
                                    return r.left < 0 || r.top < 0 || r.right > innerWidth
                                      || r.bottom > innerHeight || r.height < 32;
                                  })
                                  .map(el => el.id || el.textContent.trim());
                                """);
        assertEquals(List.of(), offScreen, "toolbar controls off screen or too small to tap");
        pages.shoot("touch-toolbar");
    }
}
