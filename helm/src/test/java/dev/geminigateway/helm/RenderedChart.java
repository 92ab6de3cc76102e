package dev.geminigateway.helm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The objects of one {@code helm template} run, parsed from its multi-document YAML, with lookups by kind and name.
 */
final class RenderedChart {

    static final String RELEASE = "gw";
    static final String FULLNAME = "gw-gemini-gateway";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final String yaml;
    private final List<JsonNode> objects;

    private RenderedChart(String yaml, List<JsonNode> objects) {
        this.yaml = yaml;
        this.objects = objects;
    }

    static RenderedChart parse(String yaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                // comment-only documents between "---" separators parse as empty
                if (document != null && document.isObject() && document.has("kind")) {
                    objects.add(document);
                }
            }
        }
        return new RenderedChart(yaml, objects);
    }

    /** The rendered text as helm printed it. */
    String yaml() {
        return yaml;
    }

    List<JsonNode> objects() {
        return objects;
    }

    List<JsonNode> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asString())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return all(kind).stream().filter(o -> name.equals(o.path("metadata").path("name").asString())).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(
                "no " + kind + " named " + name + " in the render; found " + objects.stream()
                        .map(o -> o.path("kind").asString() + "/" + o.path("metadata").path("name").asString())
                        .toList()));
    }

    JsonNode gatewayDeployment() {
        return get("Deployment", FULLNAME);
    }

    JsonNode podSpec() {
        return gatewayDeployment().path("spec").path("template").path("spec");
    }

    JsonNode gatewayContainer() {
        return podSpec().path("containers").path(0);
    }

    /** The gateway container's env entries by variable name. */
    Map<String, JsonNode> env() {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode entry : gatewayContainer().path("env")) {
            byName.put(entry.path("name").asString(), entry);
        }
        return byName;
    }

    String podAnnotation(String name) {
        return gatewayDeployment().path("spec").path("template").path("metadata").path("annotations")
                .path(name).asString(null);
    }
}
