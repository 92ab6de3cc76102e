package dev.geminigateway.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.geminigateway.web.LogSafe;

/**
 * One line per admin action on logger {@value #LOGGER}: the action, the key's id, the result and the caller's
 * address. Never a key: callers pass ids, and the values are stripped of line breaks (and made {@link LogSafe}) so a
 * crafted field can neither forge a second line nor flood the log.
 */
public class AuditLog {

    public static final String LOGGER = "dev.geminigateway.audit";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    public void record(String action, String keyId, String result, String remoteAddress) {
        log.info("action={} key={} result={} remote={}", clean(action), clean(keyId), clean(result),
                clean(remoteAddress));
    }

    private static String clean(String value) {
        return value == null ? "-" : LogSafe.of(value.replaceAll("[\\r\\n\\t ]+", "_"));
    }
}
