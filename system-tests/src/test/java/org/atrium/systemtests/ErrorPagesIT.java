package org.atrium.systemtests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a user sees in the browser when something is wrong: a wrong password, a pool they are not
 * entitled to, an old link to a pool that is gone, a stopped desktop host. Each has its own
 * message. The demo pool boots SeaBIOS here: no test needs a guest, only a desktop on a host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErrorPagesIT {
    private Platform platform;
    private Browser browser;
    private Pages pages;
    private Map<String, String> credentials;

    @BeforeAll
    void start() throws Exception {
        Path state = Files.createTempDirectory("atrium-error-pages");
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
        pages.signIn(
                credentials.get("demo.user.username"),
                "not-" + credentials.get("demo.user.password"));
        pages.awaitVisible("#login-error", Duration.ofSeconds(30));
        String error = pages.text("#login-error");
        assertTrue(error.contains("Wrong user name or password"), error);
        pages.shoot("error-wrong-password");
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
        pages.signIn(credentials.get("demo.user.username"), credentials.get("demo.user.password"));
        pages.awaitVisible("[data-pool-id]", Duration.ofSeconds(30));
        String status = pages.viewerFailure(adminsOnly, Duration.ofSeconds(30));
        assertTrue(status.contains("not entitled"), status);
        pages.shoot("error-unentitled-pool");
    }

    @Test
    @Order(3)
    void anOldLinkToAPoolThatIsGone() {
        String status = pages.viewerFailure(UUID.randomUUID().toString(), Duration.ofSeconds(30));
        assertTrue(status.contains("does not exist"), status);
        pages.shoot("error-old-link");
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
        browser.open(platform.baseUrl() + "/");
        pages.awaitAvailableDesktop(Duration.ofMinutes(2));
        platform.signalHost(true);
        // The broker takes the host for down after its heartbeat timeout (15 s by default).
        Platform.sleep(20_000);
        String status = pages.viewerFailure(pool, Duration.ofMinutes(2));
        pages.shoot("error-stopped-host");
        assertTrue(status.contains("No desktop is available"), status);
    }
}
