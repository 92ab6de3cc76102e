package dev.geminigateway.simulator.resources;

import java.nio.charset.StandardCharsets;

/**
 * A {@code multipart/related} upload: the first part is the file's JSON metadata, the second its bytes. Parsed
 * on ISO-8859-1 text so that byte positions are kept whatever the media is.
 */
public record MultipartUpload(byte[] metadata, String mediaType, long mediaBytes) {

    /** null when the content type carries no boundary or the body has fewer than two parts. */
    public static MultipartUpload parse(String contentType, byte[] body) {
        String boundary = boundary(contentType);
        if (boundary == null) {
            return null;
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        String[] parts = text.split(java.util.regex.Pattern.quote(delimiter), -1);
        // parts[0] is the preamble, the last one the epilogue after "--"
        if (parts.length < 4) {
            return null;
        }
        Part meta = Part.of(parts[1]);
        Part media = Part.of(parts[2]);
        if (meta == null || media == null) {
            return null;
        }
        return new MultipartUpload(meta.content.getBytes(StandardCharsets.ISO_8859_1), media.contentType,
                media.content.length());
    }

    private static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase().startsWith("multipart/")) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String p = parameter.trim();
            if (p.toLowerCase().startsWith("boundary=")) {
                String value = p.substring("boundary=".length());
                return value.startsWith("\"") && value.endsWith("\"") && value.length() > 1
                        ? value.substring(1, value.length() - 1) : value;
            }
        }
        return null;
    }

    private record Part(String contentType, String content) {

        static Part of(String raw) {
            int headersEnd = raw.indexOf("\r\n\r\n");
            if (headersEnd < 0) {
                return null;
            }
            String contentType = null;
            for (String line : raw.substring(0, headersEnd).split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-type")) {
                    contentType = line.substring(colon + 1).trim();
                }
            }
            String content = raw.substring(headersEnd + 4);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            }
            return new Part(contentType, content);
        }
    }
}
