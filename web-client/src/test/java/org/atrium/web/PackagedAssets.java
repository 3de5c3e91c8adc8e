package org.atrium.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The files the broker will serve from this module, keyed by their URL path ("/js/api.js"), read
 * either from the build's class output or from the packaged jar.
 */
record PackagedAssets(String origin, Map<String, byte[]> files) {

    /** Where Quarkus (like any Servlet 3 container) serves static files of a jar from. */
    static final String STATIC_ROOT = "META-INF/resources";

    static PackagedAssets fromDirectory(Path classes) {
        Path root = classes.resolve(STATIC_ROOT);
        Map<String, byte[]> files = new TreeMap<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    String relative = root.relativize(file).toString().replace('\\', '/');
                    files.put("/" + relative, Files.readAllBytes(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new PackagedAssets(classes.toString(), files);
    }

    static PackagedAssets fromJar(Path jar) {
        Map<String, byte[]> files = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                if (!entry.isDirectory() && entry.getName().startsWith(STATIC_ROOT + "/")) {
                    try (var in = zip.getInputStream(entry)) {
                        files.put(
                                entry.getName().substring(STATIC_ROOT.length()), in.readAllBytes());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PackagedAssets(jar.toString(), files);
    }

    /** The build's class output, given to the tests by the POM. */
    static PackagedAssets fromBuildOutput() {
        return fromDirectory(Path.of(requiredProperty("webclient.classes")));
    }

    static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "System property " + name + " is not set; run the tests through Maven");
        }
        return value;
    }

    boolean contains(String urlPath) {
        return files.containsKey(urlPath);
    }

    Optional<String> text(String urlPath) {
        return Optional.ofNullable(files.get(urlPath))
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** The pages at the top level, e.g. "/login.html". */
    Stream<String> pages() {
        return files.keySet().stream()
                .filter(path -> path.endsWith(".html") && path.indexOf('/', 1) < 0);
    }
}
