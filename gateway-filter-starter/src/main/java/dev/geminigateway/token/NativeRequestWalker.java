package dev.geminigateway.token;

import static dev.geminigateway.token.JsonNodes.elements;
import static dev.geminigateway.token.JsonNodes.field;

import tools.jackson.databind.JsonNode;

/**
 * Walks a native Gemini request body (ARCHITECTURE.md §8.5) and tallies what Gemini bills as input:
 * {@code generateContent}/{@code streamGenerateContent}, {@code countTokens} (plain or {@code generateContentRequest}
 * wrapper), {@code embedContent} and {@code batchEmbedContents}. REST accepts camelCase and snake_case field names,
 * so both are read. Media parts add an item each instead of counting their base64.
 */
final class NativeRequestWalker {

    private NativeRequestWalker() {
    }

    static void walk(JsonNode request, TokenTally tally) {
        if (!request.isObject()) {
            return;
        }
        JsonNode wrapped = field(request, "generateContentRequest", "generate_content_request");
        if (wrapped.isObject()) {
            walk(wrapped, tally);
        }
        JsonNode contents = request.path("contents");
        if (contents.isObject()) {
            content(contents, tally);
        }
        for (JsonNode content : elements(contents)) {
            content(content, tally);
        }
        // embedContent, and each entry of batchEmbedContents
        content(request.path("content"), tally);
        tally.textNode(request.get("title"));
        for (JsonNode embedRequest : elements(request.path("requests"))) {
            walk(embedRequest, tally);
        }
        content(field(request, "systemInstruction", "system_instruction"), tally);
        for (JsonNode tool : elements(request.path("tools"))) {
            for (JsonNode declaration : elements(field(tool, "functionDeclarations", "function_declarations"))) {
                functionDeclaration(declaration, tally);
            }
        }
        JsonNode generationConfig = field(request, "generationConfig", "generation_config");
        tally.structure(field(generationConfig, "responseSchema", "response_schema"));
        tally.structure(field(generationConfig, "responseJsonSchema", "response_json_schema"));
    }

    /** A {@code Content}: {@code {"role":…, "parts":[…]}}; a bare string is accepted as one text part. */
    private static void content(JsonNode content, TokenTally tally) {
        if (content.isString()) {
            tally.textNode(content);
            return;
        }
        for (JsonNode part : elements(content.path("parts"))) {
            part(part, tally);
        }
    }

    private static void part(JsonNode part, TokenTally tally) {
        if (part.isString()) {
            tally.textNode(part);
            return;
        }
        // thought parts are counted like any text; thoughtSignature is an opaque token Gemini does not bill as text
        tally.textNode(part.get("text"));
        if (field(part, "inlineData", "inline_data").isObject() || field(part, "fileData", "file_data").isObject()) {
            tally.mediaItem();
        }
        JsonNode call = field(part, "functionCall", "function_call");
        if (call.isObject()) {
            tally.textNode(call.get("name"));
            tally.structure(call.get("args"));
        }
        JsonNode response = field(part, "functionResponse", "function_response");
        if (response.isObject()) {
            tally.textNode(response.get("name"));
            tally.structure(response.get("response"));
            for (JsonNode nested : elements(response.path("parts"))) {
                part(nested, tally);
            }
        }
        tally.textNode(field(part, "executableCode", "executable_code").get("code"));
        tally.textNode(field(part, "codeExecutionResult", "code_execution_result").get("output"));
    }

    private static void functionDeclaration(JsonNode declaration, TokenTally tally) {
        tally.textNode(declaration.get("name"));
        tally.textNode(declaration.get("description"));
        tally.structure(declaration.get("parameters"));
        tally.structure(field(declaration, "parametersJsonSchema", "parameters_json_schema"));
        tally.structure(declaration.get("response"));
        tally.structure(field(declaration, "responseJsonSchema", "response_json_schema"));
    }
}
