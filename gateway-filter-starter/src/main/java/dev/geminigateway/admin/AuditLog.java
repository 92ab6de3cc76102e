package dev.geminigateway.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.geminigateway.web.LogSafe;

/**
 * One line per admin action on logger {@value #LOGGER}: the action, the key's id, the result and the caller's
 * address. Never a key: callers pass ids, and the values are stripped of line breaks (and made {@link LogSafe}) so a
 * crafted field can neither forge a second line nor flood the log. The last {@value #KEPT} actions are also kept in
 * memory (a fixed ring) for the console's key history.
 */
public class AuditLog {

    public static final String LOGGER = "dev.geminigateway.audit";
    static final int KEPT = 500;

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** One admin action as the console shows it. */
    public record Action(Instant at, String action, String keyId, String result, String remote) {
    }

    private final Clock clock;
    private final AtomicReferenceArray<Action> recent = new AtomicReferenceArray<>(KEPT);
    private final AtomicLong written = new AtomicLong();

    public AuditLog() {
        this(Clock.systemUTC());
    }

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    public void record(String action, String keyId, String result, String remoteAddress) {
        log.info("action={} key={} result={} remote={}", clean(action), clean(keyId), clean(result),
                clean(remoteAddress));
        long n = written.getAndIncrement();
        recent.set((int) (n % KEPT), new Action(clock.instant(), clean(action), clean(keyId), clean(result),
                clean(remoteAddress)));
    }

    /** The kept actions on {@code keyId}, newest first. */
    public List<Action> recent(String keyId) {
        long end = written.get();
        List<Action> actions = new ArrayList<>();
        for (long n = end - 1; n >= 0 && n >= end - KEPT; n--) {
            Action action = recent.get((int) (n % KEPT));
            if (action != null && action.keyId().equals(keyId)) {
                actions.add(action);
            }
        }
        return actions;
    }

    private static String clean(String value) {
        return value == null ? "-" : LogSafe.of(value.replaceAll("[\\r\\n\\t ]+", "_"));
    }
}
