package dev.geminigateway.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/** An admin operation's HTTP status and JSON body (which never holds a key, only its id and masked form). */
public record AdminResult(int status, Map<String, Object> body) {

    static AdminResult ok(Map<String, Object> body) {
        return new AdminResult(200, body);
    }

    static AdminResult error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        return new AdminResult(status, body);
    }

    public boolean succeeded() {
        return status < 400;
    }
}
