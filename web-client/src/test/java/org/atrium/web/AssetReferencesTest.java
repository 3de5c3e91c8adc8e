package org.atrium.web;

import static org.atrium.web.AssetReferences.Reference.module;
import static org.atrium.web.AssetReferences.Reference.url;
import static org.atrium.web.AssetReferences.resolve;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The reference finder on small inputs, so the checks on the real pages can be trusted. */
class AssetReferencesTest {

    @Test
    void findsEveryFormOfImport() {
        String source =
                """
                import RFB from "/webjars/novnc/core/rfb.js";
                import * as Log from './util/logging.js';
                import {
                    a,
                    b as c,
                } from "./multi-line.js";
                import "./side-effect.js";
                export { x } from "../re-export.js";
                export * from './star.js';
                const lazy = await import("./dynamic.js");
                """;

        assertEquals(
                List.of(
                        "/webjars/novnc/core/rfb.js",
                        "./util/logging.js",
                        "./multi-line.js",
                        "./side-effect.js",
                        "../re-export.js",
                        "./star.js",
                        "./dynamic.js"),
                AssetReferences.moduleImports(source));
    }

    @Test
    void ignoresImportWordsThatAreNotImports() {
        String source =
                """
                // import notAModule from "./commented.js";
                 * import inDocComment from "./doc.js";
                const text = "import x from './in-string.js'";
                export default class Importer {}
                export function from() { return "./not-a-module.js"; }
                """;

        assertEquals(List.of(), AssetReferences.moduleImports(source));
    }

    @Test
    void resolvesRelativeToTheReferringFile() {
        assertEquals(
                Optional.of("/webjars/novnc/core/util/logging.js"),
                resolve("/webjars/novnc/core/rfb.js", module("./util/logging.js")));
        assertEquals(
                Optional.of("/webjars/novnc/vendor/pako/lib/zlib/inflate.js"),
                resolve(
                        "/webjars/novnc/core/inflator.js",
                        module("../vendor/pako/lib/zlib/inflate.js")));
        assertEquals(Optional.of("/js/api.js"), resolve("/js/viewer.js", module("/js/api.js")));
        assertEquals(Optional.of("/index.html"), resolve("/viewer.html", url("/")));
        assertEquals(
                Optional.of("/viewer.html"), resolve("/index.html", url("viewer.html?pool=1#x")));
    }

    @Test
    void refusesOtherOriginsAndBareModuleNames() {
        assertEquals(Optional.empty(), resolve("/a.js", module("https://cdn.example/x.js")));
        assertEquals(Optional.empty(), resolve("/a.html", url("https://cdn.example/x.js")));
        assertEquals(Optional.empty(), resolve("/a.html", url("//cdn.example/x.js")));
        assertEquals(Optional.empty(), resolve("/a.js", module("@novnc/novnc")));
        assertEquals(Optional.empty(), resolve("/a.js", module("util.js")));
        assertEquals(Optional.of("/util.js"), resolve("/a.html", url("util.js")));
    }

    @Test
    void reportsAMissingModuleDeepInTheImportGraph() {
        PackagedAssets assets =
                assets(
                        Map.of(
                                "/page.html",
                                """
                                <!DOCTYPE html>
                                <html lang="en"><head><title>t</title>
                                <script type="module" src="/js/main.js"></script></head>
                                <body><a href="#top">top</a></body></html>
                                """,
                                "/js/main.js",
                                "import { helper } from \"./lib/helper.js\";\n",
                                "/js/lib/helper.js",
                                "import \"../missing.js\";\nexport const helper = 1;\n"));

        assertEquals(
                List.of("/js/lib/helper.js: \"../missing.js\" -> /js/missing.js is not packaged"),
                AssetReferences.brokenReferences(assets));
    }

    @Test
    void acceptsACompleteImportGraph() {
        PackagedAssets assets =
                assets(
                        Map.of(
                                "/page.html",
                                """
                                <!DOCTYPE html>
                                <html lang="en"><head><title>t</title>
                                <link rel="stylesheet" href="/css/s.css" />
                                <script type="module">import "./js/main.js";</script></head>
                                <body></body></html>
                                """,
                                "/css/s.css",
                                "body {}",
                                "/js/main.js",
                                "export const x = 1;\n"));

        assertTrue(AssetReferences.brokenReferences(assets).isEmpty());
    }

    private static PackagedAssets assets(Map<String, String> texts) {
        Map<String, byte[]> files = new TreeMap<>();
        texts.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
        return new PackagedAssets("test", files);
    }
}
