package dev.geminigateway.simulator.wire;

/**
 * What one successful generation says: its visible text (empty when the model only thought, or the prompt was
 * blocked), why it ended, and its usage.
 *
 * @param finishReason Gemini's {@code finishReason} ({@code STOP}, {@code MAX_TOKENS}, {@code SAFETY}, ...); null
 *        when the prompt was blocked and there is no candidate
 * @param blockReason {@code promptFeedback.blockReason}, or null
 */
public record AnswerShape(String text, String finishReason, String blockReason, UsageReport usage) {

    public boolean blocked() {
        return blockReason != null;
    }

    /** OpenAI's finish_reason for Gemini's (the compat mapping is [unverified] beyond stop and length). */
    public String openAiFinishReason() {
        if (blocked()) {
            return "content_filter";
        }
        return switch (finishReason) {
            case "STOP" -> "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> "stop";
        };
    }
}
