package dev.geminigateway.sample.hostile;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.geminigateway.sample.SampleGatewayApplication;
import dev.geminigateway.sample.demo.DemoUpstream;
import dev.geminigateway.sample.demo.DemoUpstreamInitializer;
import dev.geminigateway.sample.demo.DemoWelcome;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hundreds of malformed, oversized and tricky requests through the full chain of the demo gateway: every answer is
 * a 4xx with a JSON error body (never a 5xx), nothing leaks a key or a token, and the gateway still serves
 * afterwards. Its own context (a client-rate limit high enough for the barrage, and an IP lockout that must not
 * leak into other test classes).
 */
@SpringBootTest(classes = SampleGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "gemini.gateway.client-auth.rate-limit.requests-per-minute=100000")
@ActiveProfiles(DemoUpstreamInitializer.PROFILE)
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest {

    private static final String TOKEN = DemoWelcome.CLIENT_TOKEN;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    ServerWebExchangeFirewall firewall;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Probe(String method, String path, String contentType, byte[] body, String auth) {
    }

    private static List<String> malformedBodies() {
        List<String> bodies = new ArrayList<>(List.of("", "{", "[1,2", "{\"model\":", "nul", "\"unterminated",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}", "}{", "{\"a\":1,}", "{'single':'quotes'}",
                "{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}]} trailing", "\u0000\u0001\u0002", "<xml/>",
                "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "\\ud800" + "\"}",
                "{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}", "{\"n\":01}"));
        return bodies;
    }

    private List<Probe> probes() {
        List<Probe> probes = new ArrayList<>();
        List<String> paths = List.of("/v1/chat/completions", "/v1/embeddings",
                "/v1beta/models/gemini-2.5-flash:generateContent", "/v1/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                "/v1alpha/models/gemini-2.5-flash:countTokens");
        List<String> contentTypes = List.of("application/json", "text/plain", "application/x-www-form-urlencoded");
        for (String path : paths) {
            for (String body : malformedBodies()) {
                for (String type : contentTypes) {
                    probes.add(new Probe("POST", path, type, body.getBytes(StandardCharsets.UTF_8), "Bearer " + TOKEN));
                }
            }
        }
        byte[] invalidUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        probes.add(new Probe("POST", "/v1/chat/completions", "application/json", invalidUtf8, "Bearer " + TOKEN));
        for (String trick : List.of("/v1/../../etc/passwd", "/v1/%2e%2e/%2e%2e/actuator/geminikeys",
                "/v1beta/models/..%2F..%2Fadmin:generateContent", "/v1/chat%00/completions", "/v1/%2F%2Fevil",
                "/v1beta/models/gemini%0d%0aX-Injected:%20yes:generateContent", "/v1beta/openai/../../__sim/reset",
                "/v1/chat/completions/%252e%252e", "/v1//chat//completions", "/v1/nothing-here", "/v1beta/models/:",
                "/v1beta/models/%00:generateContent")) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE")) {
                probes.add(new Probe(method, trick, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
                        "Bearer " + TOKEN));
            }
        }
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            probes.add(new Probe(method, "/v1/chat/completions", "application/json",
                    "{\"model\":\"gemini-2.5-flash\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8), "Bearer " + TOKEN));
        }
        // Last, because they trip the IP lockout: missing and wrong credentials.
        for (String auth : List.of("", "Bearer ", "Bearer wrong", "Basic dXNlcjpwYXNz", "Bearer " + TOKEN + "x")) {
            probes.add(new Probe("POST", "/v1/chat/completions", "application/json",
                    "{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                            .getBytes(StandardCharsets.UTF_8), auth));
        }
        return probes;
    }

    /**
     * The admin chain is this gateway's only security chain, so the firewall keeps its per-read header checks for the
     * actuator: a proxied request goes on as it came (after the up-front checks the path tricks above meet).
     */
    @Test
    void theFirewallWrapsOnlyTheAdminPlane() {
        MockServerWebExchange proxied = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        MockServerWebExchange admin = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/geminikeys"));

        assertThat(firewall.getFirewalledExchange(proxied).block()).isSameAs(proxied);
        assertThat(firewall.getFirewalledExchange(admin).block()).isNotSameAs(admin);
    }

    @Test
    void everyHostileRequestGetsA4xxJsonErrorAndNothingLeaks(CapturedOutput output) throws Exception {
        List<Probe> probes = probes();
        assertThat(probes).hasSizeGreaterThanOrEqualTo(200);
        List<String> failures = new ArrayList<>();
        for (Probe probe : probes) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + probe.path()))
                    .timeout(Duration.ofSeconds(30))
                    .method(probe.method(), HttpRequest.BodyPublishers.ofByteArray(probe.body()))
                    .header("Content-Type", probe.contentType());
            if (!probe.auth().isEmpty()) {
                request.header("Authorization", probe.auth());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String what = probe.method() + " " + probe.path() + " [" + probe.contentType() + ", "
                    + Math.min(probe.body().length, 40) + "b] -> " + response.statusCode() + " " + abbreviate(response.body());
            if (response.statusCode() < 400 || response.statusCode() >= 500 || !isJsonError(response.body())) {
                failures.add(what);
            }
            assertNoSecret(response.body() + response.headers().map());
        }
        assertThat(failures).as("answers that were not a 4xx JSON error").isEmpty();
        // The demo prints its own (public) client token in its welcome text; nothing else may show a credential.
        String logs = output.getAll().lines().filter(line -> !line.contains("curl ") && !line.contains("Client token: "))
                .reduce("", (a, b) -> a + b + "\n");
        assertNoSecret(logs);
    }

    @Test
    void headersOverTheLimitAndBrokenHttpAreRefusedOrClosedWithoutHarm() throws Exception {
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                .header("Authorization", "Bearer " + TOKEN).header("X-Big", "x".repeat(64 * 1024)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(431);
        // CRLF smuggled into a header value and a client that stops half-way: refused or closed, never served.
        String raw = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nX-Evil: a\rb\r\nContent-Length: 100\r\n\r\n{\"model\":";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 4"));
        }
        // A body declared larger than the cap gets 413 before it is sent whole (only 64 KiB of 11 MiB go out).
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (11 * 1024 * 1024) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[64 * 1024]);
            out.flush();
            byte[] head = new byte[512];
            int read = socket.getInputStream().read(head);
            String answer = new String(head, 0, Math.max(read, 0), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 413");
        }
        // The gateway still serves.
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    private static boolean isJsonError(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            return root.path("error").isObject() && !root.path("error").path("message").asString("").isEmpty();
        }
        catch (RuntimeException e) {
            return false;
        }
    }

    private static void assertNoSecret(String text) {
        assertThat(text).doesNotContain(TOKEN + "x").doesNotContain("Bearer " + TOKEN);
        for (DemoUpstream.DemoKey key : DemoUpstream.KEYS) {
            assertThat(text).doesNotContain(key.key());
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 160 ? body.substring(0, 160) + "…" : body;
    }
}
