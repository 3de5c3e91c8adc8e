package org.atrium.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Checks the pages without a browser: well-formed, labelled, every id the scripts look up present,
 * and the stable ids and form fields that the broker and the browser tests rely on.
 */
class PageSanityTest {

    private static final PackagedAssets ASSETS = PackagedAssets.fromBuildOutput();

    /** Ids the browser tests of system-tests drive, per page. */
    private static final Map<String, List<String>> STABLE_IDS =
            Map.of(
                    "/login.html",
                    List.of("username", "password", "login-button", "login-error"),
                    "/index.html",
                    List.of(
                            "pool-list",
                            "session-list",
                            "logout-button",
                            "user-name",
                            "logoff-dialog",
                            "logoff-confirm",
                            "logoff-cancel"),
                    "/viewer.html",
                    List.of(
                            "screen",
                            "status",
                            "reset-button",
                            "reset-cancel",
                            "disconnect-button",
                            "reconnect-button",
                            "scale-button",
                            "fullscreen-button",
                            "ctrl-alt-del-button",
                            "clipboard-button",
                            "clipboard-text",
                            "clipboard-send"));

    private static final Pattern BY_ID = Pattern.compile("\\bbyId\\(\\s*\"([^\"]+)\"\\s*\\)");

    private static final Set<String> UNLABELLED_INPUT_TYPES =
            Set.of("hidden", "submit", "button", "reset", "image");

    static Stream<String> pages() {
        List<String> pages = ASSETS.pages().toList();
        assertFalse(pages.isEmpty(), "no pages packaged in " + ASSETS.origin());
        return pages.stream();
    }

    private static Document page(String path) {
        return PolyglotHtml.parse(path, ASSETS.text(path).orElseThrow());
    }

    @ParameterizedTest
    @MethodSource("pages")
    void declaresLanguageTitleAndCharset(String path) {
        Document page = page(path);
        Element html = page.getDocumentElement();
        assertEquals("html", html.getTagName(), path);
        assertFalse(html.getAttribute("lang").isBlank(), path + " has no lang");
        List<Element> titles = PolyglotHtml.elements(page, "title");
        assertEquals(1, titles.size(), path + " needs one title");
        assertFalse(titles.getFirst().getTextContent().isBlank(), path + " has an empty title");
        assertTrue(
                PolyglotHtml.elements(page, "meta").stream()
                        .anyMatch(meta -> meta.getAttribute("charset").equalsIgnoreCase("utf-8")),
                path + " does not declare UTF-8");
    }

    @ParameterizedTest
    @MethodSource("pages")
    void idsAreUniqueAndEveryIdReferenceExists(String path) {
        Document page = page(path);
        Set<String> ids = new HashSet<>();
        for (Element element : PolyglotHtml.allElements(page)) {
            String id = element.getAttribute("id");
            if (!id.isEmpty()) {
                assertTrue(ids.add(id), path + " has id " + id + " twice");
            }
        }
        List<String> dangling = new ArrayList<>();
        for (Element element : PolyglotHtml.allElements(page)) {
            for (String attribute :
                    List.of("for", "aria-labelledby", "aria-describedby", "aria-controls")) {
                for (String target : element.getAttribute(attribute).split("\\s+")) {
                    if (!target.isEmpty() && !ids.contains(target)) {
                        dangling.add(element.getTagName() + " " + attribute + "=" + target);
                    }
                }
            }
            String href = element.getAttribute("href");
            if (element.getTagName().equals("a") && href.startsWith("#") && href.length() > 1) {
                if (!ids.contains(href.substring(1))) {
                    dangling.add("a href=" + href);
                }
            }
        }
        assertEquals(List.of(), dangling, path + " points at ids it does not have");
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyFormControlHasALabelAndEveryButtonAName(String path) {
        Document page = page(path);
        Set<String> labelled = new HashSet<>();
        PolyglotHtml.elements(page, "label")
                .forEach(label -> labelled.add(label.getAttribute("for")));
        List<String> problems = new ArrayList<>();
        for (String tag : List.of("input", "select", "textarea")) {
            for (Element control : PolyglotHtml.elements(page, tag)) {
                if (UNLABELLED_INPUT_TYPES.contains(control.getAttribute("type"))) {
                    continue;
                }
                boolean named =
                        labelled.contains(control.getAttribute("id"))
                                || control.hasAttribute("aria-label")
                                || control.hasAttribute("aria-labelledby")
                                || control.getParentNode() instanceof Element parent
                                        && parent.getTagName().equals("label");
                if (!named) {
                    problems.add(tag + " id=" + control.getAttribute("id") + " has no label");
                }
            }
        }
        for (Element button : PolyglotHtml.elements(page, "button")) {
            // Without a type a button inside a form submits it, which is never what a tool button
            // wants.
            if (!button.hasAttribute("type")) {
                problems.add("button " + button.getTextContent().strip() + " has no type");
            }
            if (button.getTextContent().isBlank() && !button.hasAttribute("aria-label")) {
                problems.add("button id=" + button.getAttribute("id") + " has no name");
            }
        }
        assertEquals(List.of(), problems, path);
    }

    @ParameterizedTest
    @MethodSource("pages")
    void scriptsAreExternalModules(String path) {
        // No inline code: the broker can then send a Content-Security-Policy without
        // 'unsafe-inline'.
        for (Element script : PolyglotHtml.elements(page(path), "script")) {
            assertEquals("module", script.getAttribute("type"), path + " has a classic script");
            assertTrue(script.hasAttribute("src"), path + " has an inline script");
            assertTrue(script.getTextContent().isBlank(), path + " has an inline script");
        }
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyIdItsScriptsLookUpExists(String path) {
        Document page = page(path);
        Set<String> ids = new HashSet<>();
        PolyglotHtml.allElements(page).forEach(element -> ids.add(element.getAttribute("id")));
        List<String> missing = new ArrayList<>();
        for (String module : ownModulesOf(page, path)) {
            Matcher matcher = BY_ID.matcher(ASSETS.text(module).orElseThrow());
            while (matcher.find()) {
                if (!ids.contains(matcher.group(1))) {
                    missing.add(module + " looks up #" + matcher.group(1));
                }
            }
        }
        assertEquals(List.of(), missing, path + " lacks elements its scripts need");
    }

    /** The page's scripts and the modules of ours (under /js/) they import, transitively. */
    private static Set<String> ownModulesOf(Document page, String path) {
        Set<String> modules = new HashSet<>();
        List<String> queue = new ArrayList<>();
        for (var reference : AssetReferences.pageReferences(page)) {
            AssetReferences.resolve(path, reference)
                    .filter(target -> target.endsWith(".js"))
                    .ifPresent(queue::add);
        }
        while (!queue.isEmpty()) {
            String module = queue.removeLast();
            if (!module.startsWith("/js/") || !modules.add(module)) {
                continue;
            }
            for (String specifier :
                    AssetReferences.moduleImports(ASSETS.text(module).orElseThrow())) {
                AssetReferences.resolve(module, AssetReferences.Reference.module(specifier))
                        .ifPresent(queue::add);
            }
        }
        assertFalse(modules.isEmpty(), path + " loads no script of ours");
        return modules;
    }

    @Test
    void pagesHaveTheIdsBrowserTestsUse() {
        STABLE_IDS.forEach(
                (path, required) -> {
                    Document page = page(path);
                    Set<String> ids = new HashSet<>();
                    PolyglotHtml.allElements(page).forEach(e -> ids.add(e.getAttribute("id")));
                    for (String id : required) {
                        assertTrue(ids.contains(id), path + " lacks #" + id);
                    }
                });
    }

    @Test
    void loginFormPostsToFormAuthentication() {
        Document page = page("/login.html");
        List<Element> forms = PolyglotHtml.elements(page, "form");
        assertEquals(1, forms.size());
        Element form = forms.getFirst();
        assertEquals("/j_security_check", form.getAttribute("action"));
        assertEquals("post", form.getAttribute("method").toLowerCase());
        Map<String, String> nameById = Map.of("username", "j_username", "password", "j_password");
        for (Element input : PolyglotHtml.elements(page, "input")) {
            String expected = nameById.get(input.getAttribute("id"));
            if (expected != null) {
                assertEquals(expected, input.getAttribute("name"));
            }
        }
        assertEquals(
                2,
                PolyglotHtml.elements(page, "input").stream()
                        .filter(input -> nameById.containsKey(input.getAttribute("id")))
                        .count());
    }

    @Test
    void poolRowsCarryTheirIdAndAConnectButton() {
        assertRowTemplate("pool-row-template", "data-pool-id", List.of("connect"));
    }

    @Test
    void sessionRowsCarryTheirIdAndTheirButtons() {
        assertRowTemplate(
                "session-row-template", "data-session-id", List.of("reconnect", "logoff"));
    }

    private static void assertRowTemplate(
            String templateId, String idAttribute, List<String> buttonClasses) {
        Document page = page("/index.html");
        Element template =
                PolyglotHtml.elements(page, "template").stream()
                        .filter(t -> t.getAttribute("id").equals(templateId))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no #" + templateId));
        Element row = (Element) template.getElementsByTagName("li").item(0);
        assertTrue(row.hasAttribute(idAttribute), templateId + " row has no " + idAttribute);
        for (String buttonClass : buttonClasses) {
            assertTrue(
                    PolyglotHtml.elements(page, "button").stream()
                            .anyMatch(
                                    button ->
                                            isInside(button, row)
                                                    && List.of(
                                                                    button.getAttribute("class")
                                                                            .split(" "))
                                                            .contains(buttonClass)),
                    templateId + " row has no button." + buttonClass);
        }
    }

    private static boolean isInside(Element element, Element ancestor) {
        for (var node = element.getParentNode(); node != null; node = node.getParentNode()) {
            if (node == ancestor) {
                return true;
            }
        }
        return false;
    }

    @Test
    void viewerAnnouncesItsStateToScreenReaders() {
        Document page = page("/viewer.html");
        Element status =
                PolyglotHtml.allElements(page).stream()
                        .filter(e -> e.getAttribute("id").equals("status"))
                        .findFirst()
                        .orElseThrow();
        assertFalse(status.getAttribute("aria-live").isEmpty(), "#status is not a live region");
    }
}
