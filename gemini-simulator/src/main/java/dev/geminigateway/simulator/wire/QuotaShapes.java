package dev.geminigateway.simulator.wire;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static dev.geminigateway.simulator.wire.GeminiErrors.SERVICE;
import static dev.geminigateway.simulator.wire.GeminiErrors.error;
import static dev.geminigateway.simulator.wire.GeminiErrors.wrap;

/**
 * The 429 bodies a gateway must tell apart, beyond the ones the simulator's own quota book produces: other tiers'
 * quota ids, violations without {@code quotaValue}, several violations in one body, and the 429s that are about the
 * project's money rather than a rate. Sources are named next to each shape.
 */
public final class QuotaShapes {

    static final String RATE_LIMITS_DOC = "https://ai.google.dev/gemini-api/docs/rate-limits";
    static final String QUOTA_MESSAGE = "You exceeded your current quota, please check your plan and billing details."
            + " For more information on this error, head to: " + RATE_LIMITS_DOC + ".";

    /**
     * Which tier a quota id names. Free-tier ids end in {@code -FreeTier} (seen in many public 429s, e.g.
     * ogkalu2/comic-translate#403); tier 1 is assumed to drop the suffix and tiers 2 and 3 to end in
     * {@code -PaidTier2}/{@code -PaidTier3} [unverified: no public paid-tier body was found].
     */
    public enum Tier {
        FREE("-FreeTier", "_free_tier"), TIER1("", ""), TIER2("-PaidTier2", "_paid_tier_2"),
        TIER3("-PaidTier3", "_paid_tier_3");

        final String idSuffix;
        final String metricInfix;

        Tier(String idSuffix, String metricInfix) {
            this.idSuffix = idSuffix;
            this.metricInfix = metricInfix;
        }
    }

    /** What a violation limits. */
    public enum Limit { REQUESTS_PER_MINUTE, REQUESTS_PER_DAY, INPUT_TOKENS_PER_MINUTE }

    /**
     * One {@code QuotaFailure} violation.
     *
     * @param quotaValue the limit as Gemini states it, or null to leave {@code quotaValue} out (agent0ai/agent-zero#403
     *        shows three violations, none with a value)
     */
    public record Violation(Limit limit, Tier tier, boolean embedding, String quotaValue) {

        public String quotaId() {
            String prefix = embedding ? "EmbedContent" : "Generate";
            return switch (limit) {
                case REQUESTS_PER_MINUTE -> prefix + "RequestsPerMinutePerProjectPerModel";
                case REQUESTS_PER_DAY -> prefix + "RequestsPerDayPerProjectPerModel";
                case INPUT_TOKENS_PER_MINUTE -> (embedding ? "EmbedContent" : "GenerateContent")
                        + "InputTokensPerModelPerMinute";
            } + tier.idSuffix;
        }

        public String quotaMetric() {
            String base = (embedding ? "embed_content" : "generate_content") + tier.metricInfix;
            return SERVICE + "/" + base + (limit == Limit.INPUT_TOKENS_PER_MINUTE ? "_input_token_count" : "_requests");
        }
    }

    private QuotaShapes() {
    }

    /**
     * A quota 429 with the given violations, Help and RetryInfo. A day limit's {@code retryDelay} is as short as a
     * minute limit's (tens of seconds, not the time to midnight: voideditor/void#557 shows a per-day violation with
     * {@code "retryDelay":"5s"}), so only the quota id tells a day from a minute.
     */
    public static ApiError quota(List<Violation> violations, String model, Duration retryDelay) {
        StringBuilder message = new StringBuilder(QUOTA_MESSAGE)
                .append(" To monitor your current usage, head to: https://ai.dev/rate-limit. ");
        ObjectNode error = error(429, "", "RESOURCE_EXHAUSTED");
        ArrayNode details = error.putArray("details");
        ObjectNode failure = details.addObject();
        failure.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
        ArrayNode list = failure.putArray("violations");
        for (Violation v : violations) {
            ObjectNode violation = list.addObject();
            violation.put("quotaMetric", v.quotaMetric());
            violation.put("quotaId", v.quotaId());
            ObjectNode dimensions = violation.putObject("quotaDimensions");
            dimensions.put("location", "global");
            dimensions.put("model", model);
            if (v.quotaValue() != null) {
                violation.put("quotaValue", v.quotaValue());
            }
            message.append("\n* Quota exceeded for metric: ").append(v.quotaMetric());
            if (v.quotaValue() != null) {
                message.append(", limit: ").append(v.quotaValue());
            }
            message.append(", model: ").append(model);
        }
        ObjectNode help = details.addObject();
        help.put("@type", "type.googleapis.com/google.rpc.Help");
        ObjectNode link = help.putArray("links").addObject();
        link.put("description", "Learn more about Gemini API quotas");
        link.put("url", RATE_LIMITS_DOC);
        ObjectNode retry = details.addObject();
        retry.put("@type", "type.googleapis.com/google.rpc.RetryInfo");
        retry.put("retryDelay", GeminiErrors.wholeSeconds(retryDelay) + "s");
        message.append("\nPlease retry in ").append(GeminiErrors.fractionalSeconds(retryDelay)).append("s.");
        error.put("message", message.toString());
        return wrap(429, error);
    }

    /**
     * A model the tier does not offer: every limit 0, the day limit listed twice, as free-tier gemini-2.5-pro 429s
     * show in 2026 (continuedev/continue#9662).
     */
    public static ApiError notOnTier(String model, Tier tier) {
        return quota(List.of(new Violation(Limit.REQUESTS_PER_DAY, tier, false, "0"),
                new Violation(Limit.REQUESTS_PER_MINUTE, tier, false, "0"),
                new Violation(Limit.INPUT_TOKENS_PER_MINUTE, tier, false, "0"),
                new Violation(Limit.REQUESTS_PER_DAY, tier, false, "0")), model, Duration.ofSeconds(41));
    }

    /** The quota text with no details at all (the older shape, e.g. in voideditor/void#557's quoted messages). */
    public static ApiError exceededWithoutDetails() {
        return wrap(429, error(429, QUOTA_MESSAGE, "RESOURCE_EXHAUSTED"));
    }

    /**
     * The project's prepaid balance is used up: every key of the project fails until someone pays. 429, no details
     * (discuss.ai.google.dev "billing sync bug: prepay balance shows 0, 429 RESOURCE_EXHAUSTED", 2026-06;
     * dyad-sh/dyad#3626).
     */
    public static ApiError prepaidCreditsDepleted() {
        return wrap(429, error(429, "Your prepayment credits are depleted. Please go to AI Studio at"
                + " https://ai.studio/projects to manage your project and billing.", "RESOURCE_EXHAUSTED"));
    }

    /** A tier by name ("free", "tier1", "tier2", "tier3"), for the control API. */
    public static Tier tier(String name) {
        return Tier.valueOf(name.toUpperCase(Locale.ROOT));
    }
}
