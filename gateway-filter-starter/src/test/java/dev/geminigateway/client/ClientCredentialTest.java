package dev.geminigateway.client;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class ClientCredentialTest {

    @Test
    void findsTheTokenWhereEachSdkPutsItsKey() {
        assertThat(ClientCredential.find(MockServerHttpRequest.get("/v1/models").header("x-goog-api-key", "g-token").build()))
                .hasValueSatisfying(c -> assertThat(c).extracting(ClientCredential::value, ClientCredential::place)
                        .containsExactly("g-token", ClientCredential.Place.GOOGLE_HEADER));
        assertThat(ClientCredential.find(MockServerHttpRequest.get("/v1beta/models?key=q-token").build()))
                .hasValueSatisfying(c -> assertThat(c.value()).isEqualTo("q-token"));
        assertThat(ClientCredential.find(MockServerHttpRequest.get("/v1/models").header("Authorization", "bearer b-token").build()))
                .hasValueSatisfying(c -> assertThat(c).extracting(ClientCredential::value, ClientCredential::place)
                        .containsExactly("b-token", ClientCredential.Place.BEARER));
        assertThat(ClientCredential.find(MockServerHttpRequest.get("/v1/models").header("Authorization", "Basic dXNlcjpwdw==").build()))
                .isEmpty();
        assertThat(ClientCredential.find(MockServerHttpRequest.get("/v1/models").build())).isEmpty();
    }

    @Test
    void toStringShowsAFingerprintNotTheToken() {
        assertThat(new ClientCredential("secret-token-value", ClientCredential.Place.BEARER).toString())
                .doesNotContain("secret-token-value").contains(ClientTokens.fingerprint("secret-token-value"));
    }

    @Test
    void stripRemovesEveryCredentialAndKeepsOtherParametersEncoded() {
        ServerHttpRequest request = MockServerHttpRequest
                .method(org.springframework.http.HttpMethod.POST,
                        URI.create("http://gw/v1beta/models/m:streamGenerateContent?alt=sse&key=abc&q=a%20b%2Bc&k%65y=x&keys=1"))
                .header("Authorization", "Bearer abc").header("x-goog-api-key", "abc").header("Accept", "text/event-stream")
                .build();

        ServerHttpRequest stripped = ClientCredential.strip(request);

        assertThat(stripped.getURI().getRawQuery()).isEqualTo("alt=sse&q=a%20b%2Bc&keys=1");
        assertThat(stripped.getURI().getRawPath()).isEqualTo("/v1beta/models/m:streamGenerateContent");
        assertThat(stripped.getHeaders().containsHeader("Authorization")).isFalse();
        assertThat(stripped.getHeaders().containsHeader("x-goog-api-key")).isFalse();
        assertThat(stripped.getHeaders().getFirst("Accept")).isEqualTo("text/event-stream");
        assertThat(stripped.getQueryParams().getFirst("q")).isEqualTo("a b+c");
    }

    @Test
    void stripDropsTheQuestionMarkWhenKeyWasTheOnlyParameter() {
        ServerHttpRequest stripped = ClientCredential.strip(MockServerHttpRequest.get("http://gw/v1beta/models?key=abc").build());

        assertThat(stripped.getURI().toString()).isEqualTo("http://gw/v1beta/models");
    }
}
