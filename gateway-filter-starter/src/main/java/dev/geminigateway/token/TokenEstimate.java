package dev.geminigateway.token;

/**
 * An input-token estimate for one request.
 *
 * @param textTokens tokens of every text the request carries, counted with o200k_base
 * @param mediaItems images, audio, video and file references, each estimated at a fixed figure instead of counted
 * @param uncalibratedTokens {@code textTokens + mediaItems * tokensPerMediaItem}: what auto-calibration learns from
 * @param totalTokens the uncalibrated figure times the calibration factor, rounded up: what limits and quotas use
 */
public record TokenEstimate(long textTokens, int mediaItems, long uncalibratedTokens, long totalTokens) {

    /** Exchange attribute holding the {@link TokenEstimate} TokenLimit computed, for usage reconciliation. */
    public static final String EXCHANGE_ATTRIBUTE = TokenEstimate.class.getName();

    public TokenEstimate {
        if (textTokens < 0 || mediaItems < 0 || uncalibratedTokens < 0 || totalTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
    }

    public static TokenEstimate of(long textTokens, int mediaItems, int tokensPerMediaItem, double calibrationFactor) {
        if (!(calibrationFactor > 0) || Double.isInfinite(calibrationFactor)) {
            throw new IllegalArgumentException("calibrationFactor must be a positive number, was " + calibrationFactor);
        }
        long uncalibrated = textTokens + (long) mediaItems * Math.max(0, tokensPerMediaItem);
        return new TokenEstimate(textTokens, mediaItems, uncalibrated, (long) Math.ceil(uncalibrated * calibrationFactor));
    }
}
