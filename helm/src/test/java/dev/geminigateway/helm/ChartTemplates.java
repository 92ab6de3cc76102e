package dev.geminigateway.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders the chart with helm-java (helm's own engine, bundled natively, offline).
 * Values go through a values file rather than {@code --set}, so commas in key lists need no escaping.
 */
final class ChartTemplates {

    /** Surefire runs in the module directory, next to the chart. */
    static final Path CHART = Path.of("gemini-gateway").toAbsolutePath();

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private ChartTemplates() {
    }

    static RenderedChart render() {
        return RenderedChart.parse(command().call());
    }

    static RenderedChart render(Map<String, ?> values) {
        return RenderedChart.parse(command().withValuesFile(valuesFile(values)).call());
    }

    static RenderedChart render(Path valuesFile) {
        return RenderedChart.parse(command().withValuesFile(valuesFile).call());
    }

    /** A values file from the test resources, e.g. {@code values/redis-hpa-monitoring.yaml}. */
    static Path resource(String name) {
        Path path = Path.of("src", "test", "resources", name).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no test values file " + path);
        }
        return path;
    }

    private static TemplateCommand command() {
        return new Helm(CHART).template().withName(RenderedChart.RELEASE).withNamespace("gemini");
    }

    private static Path valuesFile(Map<String, ?> values) {
        try {
            Path file = Files.createTempFile("gemini-gateway-values", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, YAML.writeValueAsString(values));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
