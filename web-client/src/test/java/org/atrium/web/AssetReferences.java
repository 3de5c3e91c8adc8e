package org.atrium.web;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Finds what the pages load (scripts, style sheets, module imports, links between pages) and
 * follows it through the packaged files, so a path that would 404 in the browser fails the build
 * instead.
 */
final class AssetReferences {

    /**
     * Static imports and re-exports at the start of a line: {@code import x from "m"}, {@code
     * import {a, b} from "m"} over several lines, {@code import * as n from "m"}, {@code import
     * "m"}, {@code export {a} from "m"}, {@code export * from "m"}. Anchoring at the line start
     * keeps the word "import" inside strings and comments out.
     */
    private static final Pattern STATIC_IMPORT =
            Pattern.compile(
                    "(?m)^[ \\t]*(?:import\\s*|(?:import|export)\\b[\\w$*{}\\s,]*?\\bfrom\\s*)"
                            + "(['\"])([^'\"\\r\\n]+)\\1");

    /** Dynamic imports of a literal specifier: {@code import("m")}. */
    private static final Pattern DYNAMIC_IMPORT =
            Pattern.compile("\\bimport\\s*\\(\\s*(['\"])([^'\"\\r\\n]+)\\1\\s*\\)");

    private AssetReferences() {}

    /** The module specifiers a JavaScript module imports, in source order. */
    static List<String> moduleImports(String source) {
        List<String> result = new ArrayList<>();
        for (Pattern pattern : List.of(STATIC_IMPORT, DYNAMIC_IMPORT)) {
            Matcher matcher = pattern.matcher(source);
            while (matcher.find()) {
                result.add(matcher.group(2));
            }
        }
        return result;
    }

    /**
     * Something a file asks the browser to load: a URL (script src, link href, …) or an ES module
     * specifier, which browsers resolve more strictly (no bare names without an import map).
     */
    record Reference(String specifier, boolean module) {
        static Reference url(String url) {
            return new Reference(url, false);
        }

        static Reference module(String specifier) {
            return new Reference(specifier, true);
        }
    }

    /** What a page loads or links to: script src, link href, img src, a href, inline imports. */
    static List<Reference> pageReferences(Document page) {
        List<Reference> result = new ArrayList<>();
        for (Element script : PolyglotHtml.elements(page, "script")) {
            if (script.hasAttribute("src")) {
                result.add(Reference.url(script.getAttribute("src")));
            } else {
                moduleImports(script.getTextContent())
                        .forEach(m -> result.add(Reference.module(m)));
            }
        }
        for (Element link : PolyglotHtml.elements(page, "link")) {
            result.add(Reference.url(link.getAttribute("href")));
        }
        for (Element image : PolyglotHtml.elements(page, "img")) {
            result.add(Reference.url(image.getAttribute("src")));
        }
        for (Element anchor : PolyglotHtml.elements(page, "a")) {
            String href = anchor.getAttribute("href");
            // In-page jumps and links to other sites are not files of ours.
            if (!href.startsWith("#") && !href.contains(":") && !href.startsWith("//")) {
                result.add(Reference.url(href));
            }
        }
        return result;
    }

    /**
     * The packaged path a reference written in {@code fromPath} loads, or empty when it is not a
     * file of this origin: another origin, or a bare module name.
     */
    static Optional<String> resolve(String fromPath, Reference reference) {
        String specifier = reference.specifier();
        boolean otherOrigin =
                specifier.startsWith("//") || specifier.matches("^[A-Za-z][\\w+.-]*:.*");
        boolean bareModule =
                reference.module()
                        && !specifier.startsWith("/")
                        && !specifier.startsWith("./")
                        && !specifier.startsWith("../");
        if (specifier.isEmpty() || otherOrigin || bareModule) {
            return Optional.empty();
        }
        String path = URI.create("http://origin" + fromPath).resolve(specifier).getPath();
        return Optional.of(path.endsWith("/") ? path + "index.html" : path);
    }

    /**
     * Follows every reference from every page through the packaged HTML and JavaScript files and
     * answers one line per reference that does not load a packaged file.
     */
    static List<String> brokenReferences(PackagedAssets assets) {
        List<String> broken = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>(assets.pages().toList());
        Set<String> seen = new HashSet<>(queue);
        while (!queue.isEmpty()) {
            String file = queue.removeFirst();
            String text = assets.text(file).orElseThrow();
            List<Reference> references =
                    file.endsWith(".html")
                            ? pageReferences(PolyglotHtml.parse(file, text))
                            : file.endsWith(".js")
                                    ? moduleImports(text).stream().map(Reference::module).toList()
                                    : List.of();
            for (Reference reference : references) {
                Optional<String> target = resolve(file, reference);
                String quoted = "\"" + reference.specifier() + "\"";
                if (target.isEmpty()) {
                    broken.add(file + ": " + quoted + " is not a file of this origin");
                } else if (!assets.contains(target.get())) {
                    broken.add(file + ": " + quoted + " -> " + target.get() + " is not packaged");
                } else if (seen.add(target.get())) {
                    queue.addLast(target.get());
                }
            }
        }
        return broken;
    }
}
