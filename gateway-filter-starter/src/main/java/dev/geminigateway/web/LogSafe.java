package dev.geminigateway.web;

/**
 * Makes a client-supplied value fit for one log line: at most {@value #MAX_CHARS} characters of it are kept (the
 * rest is counted, not copied), and line breaks, other control characters and backslashes are escaped, so a crafted
 * value can neither forge a second line nor flood the log.
 */
public final class LogSafe {

    public static final int MAX_CHARS = 200;

    private LogSafe() {
    }

    /** The value escaped and truncated; {@code "-"} for null. */
    public static String of(Object value) {
        if (value == null) {
            return "-";
        }
        String text = value.toString();
        int kept = Math.min(text.length(), MAX_CHARS);
        StringBuilder out = null;
        for (int i = 0; i < kept; i++) {
            char c = text.charAt(i);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(kept + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                }
                else {
                    out.append(c);
                }
            }
        }
        if (out == null && kept == text.length()) {
            return text;
        }
        if (out == null) {
            out = new StringBuilder(kept + 24).append(text, 0, kept);
        }
        if (kept < text.length()) {
            out.append("...(").append(text.length() - kept).append(" more chars)");
        }
        return out.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\\' -> "\\\\";
            default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                    ? String.format("\\u%04x", (int) c) : null;
        };
    }
}
