package org.atrium.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks the kustomize base the way a cluster would find its faults only at run time: every listed
 * file exists, Services select pods that exist and name ports those pods declare, probes hit the
 * health endpoints on declared ports, and every container runs unprivileged with resource requests.
 */
class ManifestsTest {
    private static final Path BASE = Path.of("base");
    private static List<Map<String, Object>> documents;

    @BeforeAll
    static void load() throws IOException {
        Map<String, Object> kustomization = yaml(BASE.resolve("kustomization.yaml")).getFirst();
        documents = new ArrayList<>();
        for (Object resource : list(kustomization.get("resources"))) {
            Path file = BASE.resolve((String) resource);
            assertTrue(Files.isRegularFile(file), "kustomization lists a missing file: " + file);
            documents.addAll(yaml(file));
        }
        assertFalse(documents.isEmpty());
    }

    @Test
    void everyServiceSelectsAWorkloadAndNamesItsPorts() {
        List<Map<String, Object>> services = ofKind("Service");
        assertFalse(services.isEmpty());
        for (Map<String, Object> service : services) {
            Map<String, Object> spec = map(service.get("spec"));
            Map<String, Object> selector = map(spec.get("selector"));
            Map<String, Object> pod =
                    workloads().stream()
                            .map(ManifestsTest::podTemplate)
                            .filter(t -> labels(t).entrySet().containsAll(selector.entrySet()))
                            .findFirst()
                            .orElse(null);
            assertNotNull(pod, "no workload matches the selector of " + name(service));
            Set<Object> podPorts =
                    containers(pod).stream()
                            .flatMap(c -> list(c.get("ports")).stream())
                            .map(p -> map(p).get("name"))
                            .collect(Collectors.toSet());
            for (Object port : list(spec.get("ports"))) {
                Object target = map(port).get("targetPort");
                assertTrue(
                        podPorts.contains(target),
                        name(service)
                                + " targets port "
                                + target
                                + " that its pods do not declare");
            }
        }
    }

    @Test
    void workloadSelectorsMatchTheirOwnPods() {
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> matchLabels =
                    map(map(map(workload.get("spec")).get("selector")).get("matchLabels"));
            assertTrue(
                    labels(podTemplate(workload)).entrySet().containsAll(matchLabels.entrySet()),
                    name(workload) + " selects pods it does not create");
        }
    }

    @Test
    void containersRunUnprivilegedWithProbesAndRequests() {
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> pod = podTemplate(workload);
            assertEquals(
                    Boolean.TRUE,
                    map(map(pod.get("spec")).get("securityContext")).get("runAsNonRoot"),
                    name(workload) + " must run as non-root");
            for (Map<String, Object> container : containers(pod)) {
                String image = (String) container.get("image");
                assertTrue(
                        image.contains(":") && !image.endsWith(":latest"),
                        "pin the image of " + name(workload) + ": " + image);
                Map<String, Object> security = map(container.get("securityContext"));
                assertEquals(Boolean.FALSE, security.get("allowPrivilegeEscalation"));
                assertNotNull(map(map(container.get("resources")).get("requests")).get("memory"));
                Set<Object> ports =
                        list(container.get("ports")).stream()
                                .map(p -> map(p).get("name"))
                                .collect(Collectors.toSet());
                for (String probe : List.of("readinessProbe", "livenessProbe")) {
                    Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
                    assertTrue(
                            ((String) get.get("path")).startsWith("/q/health/"),
                            probe + " of " + name(workload));
                    assertTrue(
                            ports.contains(get.get("port")), probe + " port of " + name(workload));
                }
            }
        }
    }

    private static List<Map<String, Object>> workloads() {
        List<Map<String, Object>> all = new ArrayList<>(ofKind("Deployment"));
        all.addAll(ofKind("StatefulSet"));
        return all;
    }

    private static List<Map<String, Object>> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    private static Map<String, Object> podTemplate(Map<String, Object> workload) {
        return map(map(workload.get("spec")).get("template"));
    }

    private static Map<String, Object> labels(Map<String, Object> template) {
        return map(map(template.get("metadata")).get("labels"));
    }

    private static List<Map<String, Object>> containers(Map<String, Object> pod) {
        return list(map(pod.get("spec")).get("containers")).stream()
                .map(ManifestsTest::map)
                .toList();
    }

    private static String name(Map<String, Object> document) {
        return document.get("kind") + " " + map(document.get("metadata")).get("name");
    }

    private static List<Map<String, Object>> yaml(Path file) throws IOException {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(file))) {
            if (document != null) {
                result.add(map(document));
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }
}
