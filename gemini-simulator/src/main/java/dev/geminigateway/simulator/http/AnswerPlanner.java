package dev.geminigateway.simulator.http;

import dev.geminigateway.simulator.Fault;
import dev.geminigateway.simulator.wire.AnswerShape;
import dev.geminigateway.simulator.wire.Answers;
import dev.geminigateway.simulator.wire.ModelCatalog;
import dev.geminigateway.simulator.wire.TokenRule;
import dev.geminigateway.simulator.wire.UsageReport;
import tools.jackson.databind.JsonNode;

/**
 * Decides what a successful generation says, from the request as Gemini would: a thinking model asked to think
 * (native {@code generationConfig.thinkingConfig} with a budget other than 0, OpenAI {@code reasoning_effort} other
 * than "none") reports thoughts; {@code maxOutputTokens} / {@code max_tokens} cut the answer ({@code MAX_TOKENS}),
 * and when thinking used the whole budget there is no visible text at all. A shaping fault may block the prompt or
 * end the answer for another reason.
 */
final class AnswerPlanner {

    /** Thought tokens a thinking model reports when its budget is dynamic or larger. */
    static final long DEFAULT_THOUGHTS = 64;

    private AnswerPlanner() {
    }

    static AnswerShape plan(Call call, ModelCatalog.Model model, String userText, Fault shape) {
        String text = Answers.text(call.model, userText);
        if (shape != null && shape.kind() == Fault.Kind.BLOCKED_PROMPT) {
            return new AnswerShape("", null, shape.reason(), usage(call, 0, 0));
        }
        long thoughts = model != null && model.thinking() ? thoughts(call) : 0;
        long maxOutput = maxOutputTokens(call);
        String finish = "STOP";
        if (maxOutput >= 0 && thoughts >= maxOutput) {
            // thinking used the whole output budget: a candidate without parts
            return new AnswerShape("", "MAX_TOKENS", null, usage(call, 0, thoughts > 0 ? maxOutput : 0));
        }
        if (maxOutput >= 0 && thoughts + TokenRule.countText(text) > maxOutput) {
            text = text.substring(0, (int) Math.min(text.length(), (maxOutput - thoughts) * 4));
            finish = "MAX_TOKENS";
        }
        if (shape != null && shape.kind() == Fault.Kind.FINISH_REASON) {
            finish = shape.reason();
        }
        return new AnswerShape(text, finish, null, usage(call, text.isEmpty() ? 0 : TokenRule.countText(text), thoughts));
    }

    private static UsageReport usage(Call call, long candidates, long thoughts) {
        return new UsageReport(call.inputTokens, Math.min(call.cachedTokens, call.inputTokens), candidates, thoughts);
    }

    private static long thoughts(Call call) {
        if (call.surface() == Surface.OPENAI) {
            JsonNode effort = call.json.path("reasoning_effort");
            return effort.isString() && !"none".equals(effort.asString()) ? DEFAULT_THOUGHTS : 0;
        }
        JsonNode config = generationConfig(call.json);
        JsonNode thinking = config.has("thinkingConfig") ? config.get("thinkingConfig") : config.path("thinking_config");
        if (!thinking.isObject()) {
            return 0;
        }
        JsonNode budget = thinking.has("thinkingBudget") ? thinking.get("thinkingBudget") : thinking.path("thinking_budget");
        long value = budget.canConvertToLong() ? budget.asLong() : -1;
        return value == 0 ? 0 : value > 0 ? Math.min(value, DEFAULT_THOUGHTS) : DEFAULT_THOUGHTS;
    }

    /** The request's output cap, or -1 when it sets none. */
    private static long maxOutputTokens(Call call) {
        JsonNode value;
        if (call.surface() == Surface.OPENAI) {
            value = call.json.has("max_completion_tokens") ? call.json.get("max_completion_tokens")
                    : call.json.path("max_tokens");
        } else {
            JsonNode config = generationConfig(call.json);
            value = config.has("maxOutputTokens") ? config.get("maxOutputTokens") : config.path("max_output_tokens");
        }
        return value.canConvertToLong() && value.asLong() >= 0 ? value.asLong() : -1;
    }

    private static JsonNode generationConfig(JsonNode request) {
        return request.has("generationConfig") ? request.get("generationConfig") : request.path("generation_config");
    }
}
