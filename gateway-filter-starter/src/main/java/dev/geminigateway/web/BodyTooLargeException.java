package dev.geminigateway.web;

/** The client sent more bytes than the configured cap; answered 413 before the rest is read. */
public class BodyTooLargeException extends RuntimeException {

    private final long maxBytes;

    public BodyTooLargeException(long maxBytes) {
        super("Request body is larger than " + maxBytes + " bytes");
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
