package dev.geminigateway.redis;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.web.GatewayJson;

/**
 * The JSON documents kept in Redis and sent on the change channel. Short field names, because the Lua scripts read
 * them too ({@code at} of a state, {@code u} of a cooldown; {@code until} is a reserved word in Lua).
 *
 * <pre>
 * state    {"k":"QUARANTINED","at":1764000000000,"s":1764000000000,"r":"API_KEY_INVALID"}   (s = since)
 *          {"k":"COOLING_DOWN","at":...,"u":1764000300000,"r":"benched ..."}                 (u = until)
 *          {"k":"ACTIVE","at":...,"op":true}                                                  (op = an operator's)
 * cooldown {"p":"project","m":"gemini-2.5-flash","u":1764000060000,"r":"minute quota"}
 * event    {"o":"origin","t":"S","id":"key id","v":state} | {"o","t":"C","c":cooldown}
 *          | {"o","t":"X","p":"project"} | {"o","t":"F","id":"key id","n":3}
 * </pre>
 */
final class StateCodec {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JsonMapper json = GatewayJson.MAPPER;

    public String encodeState(StampedState stamped) {
        return json.writeValueAsString(stateDocument(stamped));
    }

    public StampedState decodeState(String document) {
        return stateFrom(json.readValue(document, MAP));
    }

    public String encodeCooldown(Cooldown cooldown) {
        return json.writeValueAsString(cooldownDocument(cooldown));
    }

    public Cooldown decodeCooldown(String document) {
        return cooldownFrom(json.readValue(document, MAP));
    }

    public String stateEvent(String origin, String keyId, StampedState stamped) {
        return event(origin, "S", Map.of("id", keyId, "v", stateDocument(stamped)));
    }

    public String cooldownEvent(String origin, Cooldown cooldown) {
        return event(origin, "C", Map.of("c", cooldownDocument(cooldown)));
    }

    public String clearEvent(String origin, String project) {
        return event(origin, "X", Map.of("p", project));
    }

    public String failuresEvent(String origin, String keyId, int count) {
        return event(origin, "F", Map.of("id", keyId, "n", count));
    }

    /** Applies one received event to {@code target}, unless it came from {@code ownOrigin}. */
    public void dispatch(String message, String ownOrigin, StateEventHandler target) {
        Map<String, Object> event = json.readValue(message, MAP);
        if (ownOrigin.equals(event.get("o"))) {
            return;
        }
        switch (String.valueOf(event.get("t"))) {
            case "S" -> target.onState((String) event.get("id"), stateFrom(nested(event, "v")));
            case "C" -> target.onCooldown(cooldownFrom(nested(event, "c")));
            case "X" -> target.onClearCooldowns((String) event.get("p"));
            case "F" -> target.onFailures((String) event.get("id"), ((Number) event.get("n")).intValue());
            default -> {
                // An event from a newer version: ignore it rather than fail the subscription.
            }
        }
    }

    /** Receives decoded change events. */
    public interface StateEventHandler {
        void onState(String keyId, StampedState state);

        void onCooldown(Cooldown cooldown);

        void onClearCooldowns(String project);

        void onFailures(String keyId, int count);
    }

    private String event(String origin, String type, Map<String, Object> body) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("o", origin);
        event.put("t", type);
        event.putAll(body);
        return json.writeValueAsString(event);
    }

    private static Map<String, Object> stateDocument(StampedState stamped) {
        Map<String, Object> doc = new LinkedHashMap<>();
        KeyState state = stamped.state();
        doc.put("k", state.name());
        doc.put("at", stamped.at());
        if (stamped.operator()) {
            doc.put("op", true);
        }
        if (state instanceof KeyState.CoolingDown cooling) {
            doc.put("u", cooling.until().toEpochMilli());
            doc.put("r", cooling.reason());
        }
        else if (state instanceof KeyState.Quarantined quarantined) {
            doc.put("s", quarantined.since().toEpochMilli());
            doc.put("r", quarantined.reason());
        }
        else if (state instanceof KeyState.Disabled disabled) {
            doc.put("s", disabled.since().toEpochMilli());
            doc.put("r", disabled.reason());
        }
        return doc;
    }

    private static StampedState stateFrom(Map<String, Object> doc) {
        long at = ((Number) doc.get("at")).longValue();
        String reason = (String) doc.get("r");
        KeyState state = switch (String.valueOf(doc.get("k"))) {
            case "COOLING_DOWN" -> new KeyState.CoolingDown(millis(doc, "u"), reason);
            case "QUARANTINED" -> new KeyState.Quarantined(millis(doc, "s"), reason);
            case "DISABLED" -> new KeyState.Disabled(millis(doc, "s"), reason);
            default -> KeyState.Active.INSTANCE;
        };
        return new StampedState(state, at, Boolean.TRUE.equals(doc.get("op")));
    }

    private static Map<String, Object> cooldownDocument(Cooldown cooldown) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("p", cooldown.project());
        doc.put("m", cooldown.model());
        doc.put("u", cooldown.until().toEpochMilli());
        doc.put("r", cooldown.reason());
        return doc;
    }

    private static Cooldown cooldownFrom(Map<String, Object> doc) {
        return new Cooldown((String) doc.get("p"), (String) doc.get("m"), millis(doc, "u"), (String) doc.get("r"));
    }

    private static Instant millis(Map<String, Object> doc, String field) {
        Object value = doc.get(field);
        return Instant.ofEpochMilli(value == null ? 0L : ((Number) value).longValue());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(Map<String, Object> event, String field) {
        return (Map<String, Object>) event.get(field);
    }
}
