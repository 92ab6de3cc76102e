package dev.geminigateway.sample.demo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.geminigateway.client.ClientTokens;
import dev.geminigateway.simulator.GeminiSimulator;
import dev.geminigateway.simulator.KeyStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Prints, once the demo gateway listens, what runs behind it and the curl lines to try. The tokens printed are the
 * demo's own (application-demo.yml); a token set through GATEWAY_CLIENT_TOKENS is never printed.
 */
public class DemoWelcome implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(DemoWelcome.class);

    /** As in application-demo.yml. */
    public static final String CLIENT_TOKEN = "demo-token";
    public static final String ADMIN_TOKEN = "demo-admin";
    static final String ADMIN_TOKEN_PROPERTY = "gemini.gateway.admin.token";

    private final GeminiSimulator simulator;
    private final ObjectProvider<ClientTokens> clientTokens;

    public DemoWelcome(GeminiSimulator simulator, ObjectProvider<ClientTokens> clientTokens) {
        this.simulator = simulator;
        this.clientTokens = clientTokens;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Environment environment = event.getApplicationContext().getEnvironment();
        String port = environment.getProperty("local.server.port", "4806");
        ClientTokens tokens = clientTokens.getIfAvailable();
        boolean demoToken = tokens == null || tokens.isEmpty() || tokens.authenticate(CLIENT_TOKEN).isPresent();
        boolean demoAdminToken = ADMIN_TOKEN.equals(environment.getProperty(ADMIN_TOKEN_PROPERTY));
        log.info(text("http://localhost:" + port, simulator.baseUrl(), demoToken ? CLIENT_TOKEN : "<your token>",
                demoAdminToken ? ADMIN_TOKEN : "<your admin token>"));
    }

    /** The welcome text for a gateway at {@code gateway} whose clients use {@code token}. */
    public static String text(String gateway, String simulatorUrl, String token, String adminToken) {
        String keys = DemoUpstream.KEYS.stream()
                .collect(Collectors.groupingBy(DemoUpstream.DemoKey::project, LinkedHashMap::new, Collectors.toList()))
                .entrySet().stream()
                .map(project -> project.getKey() + " (" + project.getValue().size() + " key"
                        + (project.getValue().size() > 1 ? "s" : "")
                        + (project.getValue().stream().anyMatch(key -> key.status() != KeyStatus.VALID)
                                ? ", " + project.getValue().get(0).status().name().toLowerCase(Locale.ROOT) : "")
                        + ")")
                .collect(Collectors.joining(", "));
        return """

                ==============================================================================================
                 Gemini gateway DEMO on %1$s
                 Upstream: an in-process Gemini simulator at %2$s (not Google; no real key is used)
                 Demo keys by project: %3$s
                 Quotas: %4$s has %5$d requests/min for its two keys, %6$s %7$d/min; the invalid key is
                 quarantined at its first use. Client token: %8$s
                ----------------------------------------------------------------------------------------------
                 OpenAI-compatible (any OpenAI SDK with baseUrl %1$s/v1):
                   curl %1$s/v1/chat/completions -H 'Authorization: Bearer %8$s' \\
                     -H 'Content-Type: application/json' \\
                     -d '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hello!"}]}'
                   curl -N %1$s/v1/chat/completions -H 'Authorization: Bearer %8$s' \\
                     -H 'Content-Type: application/json' \\
                     -d '{"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"Hi"}]}'
                   curl %1$s/v1/models -H 'Authorization: Bearer %8$s'
                 Native Gemini (Google's SDKs with baseUrl %1$s and the token as API key):
                   curl %1$s/v1beta/models/gemini-2.5-flash:generateContent -H 'x-goog-api-key: %8$s' \\
                     -H 'Content-Type: application/json' -d '{"contents":[{"parts":[{"text":"Hello!"}]}]}'
                   curl %1$s/v1/models -H 'x-goog-api-key: %8$s'
                 Send the first line ten times: the keys take turns, %4$s runs out of its per-minute quota
                 and the gateway moves on to another project, without the client seeing an error.
                ----------------------------------------------------------------------------------------------
                 Operations (admin token: %9$s):
                   curl %1$s/health/detailed
                   curl %1$s/actuator/geminikeys -H 'Authorization: Bearer %9$s'
                   dashboard: %1$s/admin     metrics: %1$s/metrics
                ==============================================================================================
                """.formatted(gateway, simulatorUrl, keys, DemoUpstream.ALPHA, DemoUpstream.ALPHA_QUOTA.rpm(),
                DemoUpstream.BETA, DemoUpstream.BETA_QUOTA.rpm(), token, adminToken);
    }
}
