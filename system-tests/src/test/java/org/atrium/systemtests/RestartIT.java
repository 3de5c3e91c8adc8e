package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code ./atrium up} stopped hard in the middle of its start, then started again on the same state
 * directory: the second start must come up and keep the state of the first (the same demo account).
 */
class RestartIT {
    @Test
    void aStartKilledHalfwayLeavesAStateThatStartsAgain() throws Exception {
        Path state = Files.createTempDirectory("atrium-restart");

        Platform first = Platform.launch(state, Platform.FIRMWARE_DEMO);
        // Kill it once the broker has begun to create its state (the database directory), before it
        // is ready.
        Instant limit = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(limit)
                && first.isAlive()
                && !Files.exists(state.resolve("broker").resolve("demo-credentials.txt"))
                && !first.log().contains("Atrium is up")) {
            Platform.sleep(100);
        }
        first.kill();

        try (Platform second = Platform.start(state, Platform.FIRMWARE_DEMO)) {
            var ready = second.get("/q/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            var credentials = second.demoCredentials();
            assertTrue(credentials.containsKey("demo.user.password"), credentials.toString());

            String before = Files.readString(state.resolve("broker/demo-credentials.txt"));
            second.close();
            try (Platform third = Platform.start(state, Platform.FIRMWARE_DEMO)) {
                assertEquals(
                        before,
                        Files.readString(state.resolve("broker/demo-credentials.txt")),
                        "a second start reuses the state and its demo accounts");
                assertEquals(200, third.get("/q/health/ready").statusCode());
            }
        }
    }

    private static boolean hasEntries(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
