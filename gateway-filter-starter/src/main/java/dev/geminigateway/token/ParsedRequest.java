package dev.geminigateway.token;

import tools.jackson.databind.JsonNode;

/**
 * A request body parsed once for every filter that needs it: the tree, and the top-level {@code model} string as
 * read on the way (the first one, unchecked), so that the model is not looked for in a second pass over the bytes.
 *
 * @param json        the body, a JSON object
 * @param model       the first top-level {@code model} property with a string value, null when there is none
 * @param modelRead   false when the body took the general parse (unusual input), which did not look for the model:
 *                    then find it in the bytes as before
 */
public record ParsedRequest(JsonNode json, String model, boolean modelRead) {
}
