package org.atrium.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the build puts into the class output: noVNC as a webjar, the pages, nothing broken. */
class PackagedAssetsTest {

    static final List<String> REQUIRED =
            List.of(
                    "/login.html",
                    "/index.html",
                    "/viewer.html",
                    "/webjars/novnc/core/rfb.js",
                    "/webjars/novnc/LICENSE.txt",
                    "/webjars/novnc/package.json");

    private final PackagedAssets assets = PackagedAssets.fromBuildOutput();

    @Test
    void containsNoVncAndThePages() {
        for (String path : REQUIRED) {
            assertTrue(assets.contains(path), path + " is missing from " + assets.origin());
        }
    }

    @Test
    void everyReferenceOfThePagesLoadsAPackagedFile() {
        assertEquals(List.of(), AssetReferences.brokenReferences(assets));
    }

    @Test
    void packagesTheNoVncVersionThatPackageJsonPins() throws IOException {
        Path basedir = Path.of(PackagedAssets.requiredProperty("webclient.basedir"));
        String pinned =
                versionOf(
                        Files.readString(basedir.resolve("package.json")),
                        "\"@novnc/novnc\"\\s*:\\s*\"([^\"]+)\"");
        String packaged =
                versionOf(
                        assets.text("/webjars/novnc/package.json").orElseThrow(),
                        "\"version\"\\s*:\\s*\"([^\"]+)\"");

        assertTrue(pinned.matches("1\\.\\d+\\.\\d+"), "pin an exact 1.x release, not " + pinned);
        assertEquals(pinned, packaged);
    }

    @Test
    void lockFileNamesNoRegistry() throws IOException {
        Path basedir = Path.of(PackagedAssets.requiredProperty("webclient.basedir"));
        String lock = Files.readString(basedir.resolve("package-lock.json"));

        assertTrue(lock.contains("\"node_modules/@novnc/novnc\""), "lock file lacks noVNC");
        assertFalse(lock.contains("\"resolved\""), "lock file records where packages came from");
        assertFalse(lock.contains("://"), "lock file contains a URL");
    }

    private static String versionOf(String json, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(json);
        assertTrue(matcher.find(), "no match for " + regex);
        return matcher.group(1);
    }
}
