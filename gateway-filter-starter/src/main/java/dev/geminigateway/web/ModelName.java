package dev.geminigateway.web;

/**
 * The shape of a model name the gateway accepts from a client: an optional {@code models/} or {@code tunedModels/}
 * prefix, then 1 to {@value #MAX_LENGTH} letters, digits, {@code .}, {@code _} or {@code -}. Every Gemini model id
 * fits; anything else is refused before it can key state, tag a meter or reach a log line.
 */
final class ModelName {

    public static final int MAX_LENGTH = 128;

    private static final String MODELS = "models/";
    private static final String TUNED_MODELS = "tunedModels/";

    private ModelName() {
    }

    public static boolean isValid(String name) {
        if (name == null) {
            return false;
        }
        int start = name.startsWith(MODELS) ? MODELS.length()
                : name.startsWith(TUNED_MODELS) ? TUNED_MODELS.length() : 0;
        int length = name.length() - start;
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        for (int i = start; i < name.length(); i++) {
            if (!allowed(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }
}
