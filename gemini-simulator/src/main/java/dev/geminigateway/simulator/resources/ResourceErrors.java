package dev.geminigateway.simulator.resources;

import dev.geminigateway.simulator.wire.ApiError;
import dev.geminigateway.simulator.wire.Json;
import tools.jackson.databind.node.ObjectNode;

/** Gemini's answers when a project names a file, cached content or upload it does not own. */
public final class ResourceErrors {

    private ResourceErrors() {
    }

    /** A file of another project, or none at all: Gemini does not say which, and adds no details. */
    public static ApiError fileDenied(String id) {
        return denied("You do not have permission to access the File " + id + " or it may not exist.");
    }

    /** A cached content of another project, or none at all. */
    public static ApiError cacheDenied() {
        return denied("CachedContent not found (or permission denied)");
    }

    /** An upload id this project did not start. [unverified] text: Gemini's body for it was not found. */
    public static ApiError uploadNotFound() {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("code", 404);
        error.put("message", "Upload session not found.");
        error.put("status", "NOT_FOUND");
        return new ApiError(404, root);
    }

    private static ApiError denied(String message) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error");
        error.put("code", 403);
        error.put("message", message);
        error.put("status", "PERMISSION_DENIED");
        return new ApiError(403, root);
    }
}
