package dev.geminigateway.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The meter names the gateway registers, read from the starter's sources: every {@code "gemini.gateway.…"} literal,
 * and each {@code PREFIX + "…"} of a class whose {@code PREFIX} is such a literal. A Prometheus name used by the chart
 * must be one of them, with the suffixes the Prometheus registry adds ({@code _total}, {@code _seconds},
 * {@code _bucket}, {@code _count}, {@code _sum}, {@code _max}).
 */
final class ExportedMetrics {

    private static final Path STARTER = Path.of("..", "gateway-filter-starter", "src", "main", "java");
    private static final Pattern LITERAL = Pattern.compile("\"(gemini\\.gateway\\.[a-z0-9_.]*[a-z0-9_])\"");
    private static final Pattern PREFIX = Pattern.compile("String PREFIX = \"(gemini\\.gateway\\.[a-z0-9_.]+)\"");
    private static final Pattern PREFIXED = Pattern.compile("PREFIX \\+ \"([a-z0-9_.]+)\"");
    private static final Pattern PROMETHEUS_NAME = Pattern.compile("gemini_gateway_[a-z0-9_]+");
    private static final List<String> SUFFIXES = List.of("_bucket", "_count", "_sum", "_max", "_total", "_seconds");

    private ExportedMetrics() {
    }

    /** Base names in Prometheus form (dots as underscores, no suffix). */
    static Set<String> fromStarterSources() {
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.walk(STARTER)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher literal = LITERAL.matcher(source);
                while (literal.find()) {
                    names.add(prometheus(literal.group(1)));
                }
                Matcher prefix = PREFIX.matcher(source);
                if (prefix.find()) {
                    Matcher prefixed = PREFIXED.matcher(source);
                    while (prefixed.find()) {
                        names.add(prometheus(prefix.group(1) + prefixed.group(1)));
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** Every {@code gemini_gateway_…} name in {@code text}. */
    static Set<String> usedIn(String text) {
        Set<String> used = new HashSet<>();
        Matcher matcher = PROMETHEUS_NAME.matcher(text);
        while (matcher.find()) {
            used.add(matcher.group());
        }
        return used;
    }

    /** Whether {@code name}, less the registry's suffixes, is a meter of the gateway. */
    static boolean exported(String name, Set<String> exported) {
        String base = name;
        boolean stripped = true;
        while (!exported.contains(base) && stripped) {
            stripped = false;
            for (String suffix : SUFFIXES) {
                if (base.endsWith(suffix)) {
                    base = base.substring(0, base.length() - suffix.length());
                    stripped = true;
                    break;
                }
            }
        }
        return exported.contains(base);
    }

    private static String prometheus(String micrometer) {
        return micrometer.replace('.', '_');
    }
}
