package dev.geminigateway.quota;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Google's published limits per usage tier and model, read from the {@value #RESOURCE} table shipped with the
 * starter (dated, its source and how to update it in its header). A model missing from a tier has no preset.
 */
public final class TierPresets {

    public static final String RESOURCE = "/dev/geminigateway/quota/gemini-tier-limits.csv";
    private static final String AS_OF = "# as-of:";

    private final Map<GeminiTier, Map<String, QuotaLimits>> limits;
    private final LocalDate asOf;

    private TierPresets(Map<GeminiTier, Map<String, QuotaLimits>> limits, LocalDate asOf) {
        this.limits = limits;
        this.asOf = asOf;
    }

    /** The table shipped with the starter. */
    public static TierPresets published() {
        try (InputStream in = TierPresets.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + RESOURCE + " on the classpath");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TierPresets parse(BufferedReader reader) throws IOException {
        Map<GeminiTier, Map<String, QuotaLimits>> byTier = new EnumMap<>(GeminiTier.class);
        LocalDate asOf = null;
        boolean header = true;
        String line;
        while ((line = reader.readLine()) != null) {
            line = line.strip();
            if (line.startsWith(AS_OF)) {
                asOf = LocalDate.parse(line.substring(AS_OF.length()).strip());
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != 5) {
                throw new IllegalStateException(RESOURCE + ": expected tier,model,rpm,tpm,rpd in '" + line + "'");
            }
            GeminiTier tier = GeminiTier.valueOf(cells[0].strip().toUpperCase(Locale.ROOT));
            byTier.computeIfAbsent(tier, t -> new LinkedHashMap<>()).put(cells[1].strip(),
                    QuotaLimits.of(number(cells[2]), number(cells[3]), number(cells[4])));
        }
        if (asOf == null) {
            throw new IllegalStateException(RESOURCE + " must say when its numbers were taken ('" + AS_OF + " <date>')");
        }
        byTier.replaceAll((tier, models) -> Map.copyOf(models));
        return new TierPresets(byTier, asOf);
    }

    private static Long number(String cell) {
        String value = cell.strip();
        return value.isEmpty() ? null : Long.valueOf(value);
    }

    /** The tier's limits for {@code model}, {@link QuotaLimits#UNKNOWN} if the table has none. */
    public QuotaLimits limits(GeminiTier tier, String model) {
        return models(tier).getOrDefault(model, QuotaLimits.UNKNOWN);
    }

    /** Every model with a preset in {@code tier}, with its limits. */
    public Map<String, QuotaLimits> models(GeminiTier tier) {
        return limits.getOrDefault(tier, Map.of());
    }

    /** When the table's numbers were taken from Google's page. */
    public LocalDate asOf() {
        return asOf;
    }
}
