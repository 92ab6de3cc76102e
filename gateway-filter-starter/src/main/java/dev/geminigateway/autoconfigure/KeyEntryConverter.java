package dev.geminigateway.autoconfigure;

import org.springframework.core.convert.converter.Converter;

/**
 * Lets {@code keys} be a comma-separated string, as from {@code GEMINI_API_KEYS}: each entry is {@code KEY} or
 * {@code KEY@project} (a Gemini key never contains '@').
 */
class KeyEntryConverter implements Converter<String, GeminiGatewayProperties.KeyEntry> {

    @Override
    public GeminiGatewayProperties.KeyEntry convert(String source) {
        String entry = source.strip();
        int at = entry.lastIndexOf('@');
        return at > 0 ? new GeminiGatewayProperties.KeyEntry(entry.substring(0, at), entry.substring(at + 1), null)
                : new GeminiGatewayProperties.KeyEntry(entry, null, null);
    }
}
