package dev.geminigateway.token;

import java.nio.charset.StandardCharsets;

/** Substring search over raw bytes, so stream events can be screened without decoding or parsing them. */
final class ByteSearch {

    static final byte[] USAGE = "usage".getBytes(StandardCharsets.US_ASCII);

    private ByteSearch() {
    }

    static boolean contains(byte[] haystack, int from, int to, byte[] needle) {
        return indexOf(haystack, from, to, needle) >= 0;
    }

    static int indexOf(byte[] haystack, int from, int to, byte[] needle) {
        byte first = needle[0];
        int last = to - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (haystack[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
