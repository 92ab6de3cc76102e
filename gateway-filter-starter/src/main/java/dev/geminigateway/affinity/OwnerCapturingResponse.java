package dev.geminigateway.affinity;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The response of a request that creates, updates or deletes a resource. On a success it records the owner:
 * from the answer's first {@value #MAX_SCAN} bytes, read before the answer is passed on unchanged, and
 * from a resumable upload's {@code X-Goog-Upload-URL}, which it also points back at the gateway (same path and
 * upload id) so the client's next request comes through here, to a key of the same project.
 */
final class OwnerCapturingResponse extends ServerHttpResponseDecorator {

    static final int MAX_SCAN = 64 * 1024;
    static final String UPLOAD_URL = "X-Goog-Upload-URL";
    static final String UPLOAD_STATUS = "X-Goog-Upload-Status";
    /** Gemini keeps an uploaded file for 48 hours; an upload session is remembered as long. */
    static final Duration FILE_LIFETIME = Duration.ofHours(48);
    /** A cached content lives an hour unless created with another ttl. */
    static final Duration DEFAULT_CACHE_TTL = Duration.ofHours(1);

    private final ResourceOwnerCaptureFilter.Action action;
    private final String requestResource;
    private final Supplier<String> servedBy;
    private final String gatewayOrigin;
    private final ResourceOwners owners;
    private final Clock clock;

    OwnerCapturingResponse(ServerHttpResponse delegate, ResourceOwnerCaptureFilter.Action action,
            String requestResource, Supplier<String> servedBy, String gatewayOrigin, ResourceOwners owners,
            Clock clock) {
        super(delegate);
        this.action = action;
        this.requestResource = requestResource;
        this.servedBy = servedBy;
        this.gatewayOrigin = gatewayOrigin;
        this.owners = owners;
        this.clock = clock;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
        String project = servedBy.get();
        HttpStatusCode status = getStatusCode();
        if (project == null || status == null || !status.is2xxSuccessful()) {
            return super.writeWith(body);
        }
        if (action == ResourceOwnerCaptureFilter.Action.DELETE) {
            owners.forget(requestResource);
            return super.writeWith(body);
        }
        if (action == ResourceOwnerCaptureFilter.Action.UPLOAD) {
            redirectUpload(project);
        }
        // The owner is recorded before the first byte goes out: a client that names the resource in its very next
        // request must find it known. These answers are small resource descriptions, so holding them is cheap.
        return super.writeWith(Flux.from(body).collectList().flatMapMany(buffers -> {
            Scan scan = new Scan();
            buffers.forEach(scan::copy);
            remember(scan, project);
            return Flux.fromIterable(buffers);
        }).doOnDiscard(DataBuffer.class, DataBufferUtils::release));
    }

    /** A resumable start: the session belongs to this project, and the client continues at the gateway. */
    private void redirectUpload(String project) {
        String upstream = getHeaders().getFirst(UPLOAD_URL);
        if (upstream == null) {
            if ("final".equalsIgnoreCase(getHeaders().getFirst(UPLOAD_STATUS)) && requestResource != null) {
                owners.forget(requestResource);
            }
            return;
        }
        try {
            URI uri = URI.create(upstream);
            String session = ResourceNames.named(ResourceNames.UPLOADS,
                    UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("upload_id"));
            if (session != null) {
                owners.remember(session, project, clock.instant().plus(FILE_LIFETIME));
            }
            getHeaders().set(UPLOAD_URL, gatewayOrigin + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        }
        catch (IllegalArgumentException malformed) {
            // not a URL: passed on as Gemini sent it
        }
    }

    private void remember(Scan scan, String project) {
        CreatedResource created = CreatedResource.scan(scan.bytes, scan.size);
        if (created == null) {
            return;
        }
        Instant now = clock.instant();
        Instant expiresAt = created.expiresAt() != null ? created.expiresAt()
                : now.plus(created.name().startsWith(ResourceNames.FILES) ? FILE_LIFETIME : DEFAULT_CACHE_TTL);
        owners.remember(created.name(), project, expiresAt);
    }

    /** The answer's first bytes, copied without consuming the buffers that carry them on. */
    private static final class Scan {

        private byte[] bytes = new byte[0];
        private int size;

        void copy(DataBuffer buffer) {
            int from = buffer.readPosition();
            int n = Math.min(buffer.readableByteCount(), MAX_SCAN - size);
            if (n <= 0) {
                return;
            }
            if (bytes.length < size + n) {
                bytes = java.util.Arrays.copyOf(bytes, Math.min(MAX_SCAN, Math.max(size + n, bytes.length * 2)));
            }
            for (int i = 0; i < n; i++) {
                bytes[size + i] = buffer.getByte(from + i);
            }
            size += n;
        }
    }
}
