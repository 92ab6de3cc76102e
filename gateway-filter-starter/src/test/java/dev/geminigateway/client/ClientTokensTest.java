package dev.geminigateway.client;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientTokensTest {

    @Test
    void acceptsConfiguredTokensAndAnswersTheirDerivedName() {
        ClientTokens tokens = ClientTokens.of(List.of("team-a-0123456789abcdef", "team-b-0123456789abcdef"));

        assertThat(tokens.authenticate("team-b-0123456789abcdef"))
                .contains("token-" + ClientTokens.fingerprint("team-b-0123456789abcdef"));
        assertThat(tokens.authenticate("team-c-0123456789abcdef")).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.size()).isEqualTo(2);
    }

    @Test
    void fingerprintIsTwelveHexCharactersOfSha256AndNotTheToken() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertThat(ClientTokens.fingerprint("abc")).isEqualTo("ba7816bf8f01");
    }

    @Test
    void comparesTheDigestWithEveryStoredHashWithoutStoppingAtAMatch() {
        List<byte[]> presented = new ArrayList<>();
        ClientTokens tokens = ClientTokens.withEquality(List.of("first-token-000000", "second-token-00000", "third-token-000000"),
                (candidate, stored) -> {
                    presented.add(candidate);
                    return java.security.MessageDigest.isEqual(candidate, stored);
                });

        assertThat(tokens.authenticate("first-token-000000")).isPresent();

        // all three stored hashes compared although the first matched, and only digests, never the raw token
        assertThat(presented).hasSize(3).allSatisfy(candidate -> assertThat(candidate).hasSize(32)
                .isEqualTo(ClientTokens.sha256("first-token-000000")));
    }

    @Test
    void namedTokensAnswerTheirNameAndCarryTheirOwnLimits() {
        ClientTokens tokens = ClientTokens.issued(List.of(
                new IssuedToken("batch-job", "batch-token-0123456789", new ClientRateLimiter.Config().setRequestsPerMinute(10)),
                IssuedToken.plain("plain-token-0123456789")));

        assertThat(tokens.authenticate("batch-token-0123456789")).contains("batch-job");
        assertThat(tokens.limitsOf("batch-job").getRequestsPerMinute()).isEqualTo(10);
        assertThat(tokens.limitsOf(IssuedToken.derivedName("plain-token-0123456789")).hasLimit()).isFalse();
        assertThat(tokens.names()).containsExactly("batch-job", IssuedToken.derivedName("plain-token-0123456789"));
    }

    @Test
    void refusesDuplicateNamesOrTokensAndANameThatIsTheTokenWithoutPrintingIt() {
        assertThatThrownBy(() -> ClientTokens.issued(List.of(new IssuedToken("a", "first-token-0123456789", null),
                new IssuedToken("a", "second-token-0123456789", null)))).hasMessageContaining("named 'a'");
        assertThatThrownBy(() -> ClientTokens.issued(List.of(new IssuedToken("a", "same-token-0123456789", null),
                new IssuedToken("b", "same-token-0123456789", null))))
                .hasMessageContaining("token of another entry").message().doesNotContain("same-token-0123456789");
        assertThatThrownBy(() -> new IssuedToken("secret-0123456789", "secret-0123456789", null))
                .hasMessageContaining("must not be its token");
        assertThat(new IssuedToken("x", "hidden-token-0123456789", null).toString()).doesNotContain("hidden-token");
    }
}
