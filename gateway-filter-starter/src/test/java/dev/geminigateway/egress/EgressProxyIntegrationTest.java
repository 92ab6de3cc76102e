package dev.geminigateway.egress;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.geminigateway.health.KeyProber;
import dev.geminigateway.it.TestGatewayApplication;
import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.observability.KeyValidation;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.simulator.RecordedRequest;
import dev.geminigateway.store.KeyState;
import dev.geminigateway.store.KeyStateStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every upstream call of a group with {@code proxy} goes through that proxy: real HTTP CONNECT (Basic auth) and
 * SOCKS5 (user and password) proxies run in the test, and the upstream host name resolves only inside them.
 * Its own context, because a group's proxy is context-wide configuration the shared one must not have.
 */
@SpringBootTest(classes = TestGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("egress")
class EgressProxyIntegrationTest {

    private static final String UPSTREAM_HOST = "gemini-sim.invalid";
    private static final String HTTP_KEY = "AIzaSyEgressKeyH1aaaaaaaaaaaaaaaaaaaaaaa";
    private static final String SOCKS_KEY = "AIzaSyEgressKeyS1bbbbbbbbbbbbbbbbbbbbbbb";
    private static final String PROBE_ONLY_KEY = "AIzaSyEgressKeyQ1ccccccccccccccccccccccc";
    private static final String BAD_AUTH_KEY_1 = "AIzaSyEgressKeyR1ddddddddddddddddddddddd";
    private static final String BAD_AUTH_KEY_2 = "AIzaSyEgressKeyR2eeeeeeeeeeeeeeeeeeeeeee";
    private static final String CLOSED_KEY = "AIzaSyEgressKeyC1fffffffffffffffffffffff";
    private static final String HTTP_PASSWORD = "p@ss:w0rd";

    private static final GeminiSimulator SIM = GeminiSimulator.start();
    private static final HttpConnectProxy HTTP = new HttpConnectProxy("gw-user", HTTP_PASSWORD,
            Map.of(UPSTREAM_HOST, SIM.port()));
    private static final Socks5Proxy SOCKS = new Socks5Proxy("sock-user", "s0cks", Map.of(UPSTREAM_HOST, SIM.port()));

    @LocalServerPort
    int port;

    @Autowired
    KeyStateStore store;

    @Autowired
    KeyRegistry registry;

    @Autowired
    KeyValidation validation;

    @Autowired
    KeyProber prober;

    WebTestClient client;

    @DynamicPropertySource
    static void egressProperties(DynamicPropertyRegistry registry) throws IOException {
        String httpProxy = "http://gw-user:p%40ss%3Aw0rd@127.0.0.1:" + HTTP.port();
        registry.add("egress.upstream", () -> "http://" + UPSTREAM_HOST + ":" + SIM.port());
        registry.add("gemini.gateway.groups.viahttp.keys", () -> HTTP_KEY + "@ph");
        registry.add("gemini.gateway.groups.viahttp.proxy", () -> httpProxy);
        registry.add("gemini.gateway.groups.viasocks.keys", () -> SOCKS_KEY + "@ps");
        registry.add("gemini.gateway.groups.viasocks.proxy", () -> "socks5://sock-user:s0cks@127.0.0.1:" + SOCKS.port());
        registry.add("gemini.gateway.groups.probeonly.keys", () -> PROBE_ONLY_KEY + "@pq");
        registry.add("gemini.gateway.groups.probeonly.proxy", () -> httpProxy);
        registry.add("gemini.gateway.groups.badauth.keys", () -> BAD_AUTH_KEY_1 + "@pr1," + BAD_AUTH_KEY_2 + "@pr2");
        registry.add("gemini.gateway.groups.badauth.proxy", () -> "http://gw-user:wrong@127.0.0.1:" + HTTP.port());
        int closedPort = closedPort();
        registry.add("gemini.gateway.groups.closed.keys", () -> CLOSED_KEY + "@pc");
        registry.add("gemini.gateway.groups.closed.proxy", () -> "socks5://127.0.0.1:" + closedPort);
        registry.add("gemini.gateway.client-auth.enabled", () -> "false");
    }

    @AfterAll
    static void stopProxies() {
        HTTP.close();
        SOCKS.close();
    }

    @BeforeEach
    void cleanSlate() {
        SIM.reset();
        for (String key : List.of(HTTP_KEY, SOCKS_KEY, PROBE_ONLY_KEY, BAD_AUTH_KEY_1, BAD_AUTH_KEY_2, CLOSED_KEY)) {
            SIM.addKey(key, "p-" + key.substring(15, 17));
        }
        SIM.setStreaming(3, Duration.ofMillis(10));
        for (ApiKey key : registry.allKeys()) {
            store.setState(key.id(), KeyState.Active.INSTANCE);
            store.recordSuccess(key.id());
        }
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void aNativeRequestGoesThroughTheHttpConnectProxyWithItsPercentEncodedCredentials() {
        post("viahttp", "/v1beta/models/gemini-2.5-flash:generateContent", NATIVE_BODY).expectStatus().isOk();

        assertThat(callsWith(HTTP_KEY)).hasSize(1);
        assertOnlyTunnelsToTheSimulator(HTTP);
    }

    @Test
    void anOpenAiRequestGoesThroughTheSocks5Proxy() {
        client.post().uri("/v1beta/openai/chat/completions").header("X-Egress-Group", "viasocks")
                .header("Authorization", "Bearer client").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.choices[0].message.content").exists();

        assertThat(callsWith(SOCKS_KEY)).hasSize(1);
        assertOnlyTunnelsToTheSimulator(SOCKS);
    }

    @Test
    void aStreamGoesThroughTheProxyToTheEnd() {
        String body = post("viasocks", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", NATIVE_BODY)
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(body.split("data:", -1)).as("three chunks").hasSize(4);
        assertThat(callsWith(SOCKS_KEY)).hasSize(1);
        assertOnlyTunnelsToTheSimulator(SOCKS);
    }

    @Test
    void keyValidationProbesEveryGroupThroughItsProxyEvenBeforeAnyRequestUsedIt() {
        // No test sends a request of group "probeonly": its probe learns the upstream from the configured route.
        KeyValidation.Report report = validation.validate().block(Duration.ofSeconds(30));

        Map<String, Boolean> valid = new HashMap<>();
        report.keys().forEach(result -> valid.put(result.id(), result.valid()));
        assertThat(valid).containsEntry(ApiKey.fingerprint(PROBE_ONLY_KEY), true)
                .containsEntry(ApiKey.fingerprint(HTTP_KEY), true)
                .containsEntry(ApiKey.fingerprint(SOCKS_KEY), true)
                .containsEntry(ApiKey.fingerprint(BAD_AUTH_KEY_1), false)
                .containsEntry(ApiKey.fingerprint(CLOSED_KEY), false);
        assertThat(callsWith(PROBE_ONLY_KEY)).singleElement().satisfies(call -> assertThat(call.path()).endsWith("/models"));
        assertOnlyTunnelsToTheSimulator(HTTP);
        assertOnlyTunnelsToTheSimulator(SOCKS);

        int socksTunnels = SOCKS.tunnels();
        assertThat(prober.probe(registry.allKeys().stream().filter(k -> k.secret().equals(SOCKS_KEY)).findFirst()
                .orElseThrow()).block(Duration.ofSeconds(30))).isTrue();
        assertThat(callsWith(SOCKS_KEY)).hasSize(2);
        assertThat(SOCKS.tunnels()).isGreaterThanOrEqualTo(socksTunnels);
    }

    @Test
    void aProxyThatRefusesTheTunnelGivesA502InTheNativeFormatAndChangesNoKey() {
        int refusals = HTTP.refusals();

        post("badauth", "/v1beta/models/gemini-2.5-flash:generateContent", NATIVE_BODY)
                .expectStatus().isEqualTo(502)
                .expectBody().jsonPath("$.error.code").isEqualTo(502).jsonPath("$.error.status").isEqualTo("INTERNAL")
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("could not be reached").doesNotContain("wrong"));

        assertThat(HTTP.refusals()).as("one attempt: the group's other key goes through the same proxy")
                .isEqualTo(refusals + 1);
        assertUntouched(BAD_AUTH_KEY_1, BAD_AUTH_KEY_2);
    }

    @Test
    void anUnreachableProxyGivesA502InTheOpenAiFormatAndChangesNoKey() {
        client.post().uri("/v1beta/openai/chat/completions").header("X-Egress-Group", "closed")
                .header("Authorization", "Bearer client").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isEqualTo(502)
                .expectBody().jsonPath("$.error.type").isEqualTo("upstream_error")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("could not be reached"));

        assertUntouched(CLOSED_KEY);
    }

    private static final String NATIVE_BODY = "{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}";

    private WebTestClient.ResponseSpec post(String group, String uri, String body) {
        return client.post().uri(uri).header("X-Egress-Group", group).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange();
    }

    private static List<RecordedRequest> callsWith(String key) {
        return SIM.recordedRequests().stream().filter(call -> key.equals(call.apiKey())).toList();
    }

    /** The upstream host resolves only inside the proxies: whatever reached the simulator came through one. */
    private static void assertOnlyTunnelsToTheSimulator(ForwardingProxy proxy) {
        assertThat(proxy.tunnels()).isPositive();
        assertThat(proxy.targets()).containsOnly(UPSTREAM_HOST + ":" + SIM.port());
    }

    private void assertUntouched(String... keys) {
        for (String key : keys) {
            assertThat(store.state(ApiKey.fingerprint(key))).isEqualTo(KeyState.Active.INSTANCE);
            assertThat(store.consecutiveFailures(ApiKey.fingerprint(key))).isZero();
            assertThat(callsWith(key)).as("Gemini never saw the request").isEmpty();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
