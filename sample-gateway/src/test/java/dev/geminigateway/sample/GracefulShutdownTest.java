package dev.geminigateway.sample;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.geminigateway.sample.demo.DemoUpstreamInitializer;
import dev.geminigateway.sample.demo.DemoWelcome;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream in flight when the gateway is asked to stop (SIGTERM, a rolling update) is carried to its end: the web
 * server drains before the upstream (here the demo simulator) and the rest of the context go away.
 */
class GracefulShutdownTest {

    private static final int CHUNKS = 10;
    /**
     * 10 x 500 ms: the stream outlives the 3 s for which a server that is simply stopped (server.shutdown=immediate)
     * still lets open connections finish, so this test fails without graceful shutdown.
     */
    private static final int INTERVAL_MILLIS = 500;

    @Test
    void inFlightStreamCompletesWhenTheContextIsClosed() throws Exception {
        ConfigurableApplicationContext gateway = startGateway();
        CompletableFuture<Void> closing = null;
        try {
            int port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            HttpRequest stream = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + DemoWelcome.CLIENT_TOKEN)
                    .header("Content-Type", "application/json")
                    // the simulator's pacing, passed through by the gateway
                    .header("x-sim-chunks", Integer.toString(CHUNKS))
                    .header("x-sim-interval-ms", Integer.toString(INTERVAL_MILLIS))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"a long story\"}]}"))
                    .build();
            HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                    .send(stream, HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);

            List<String> events = new ArrayList<>();
            Iterator<String> lines = response.body().iterator();
            while (events.isEmpty() && lines.hasNext()) {
                collect(lines.next(), events);
            }
            assertThat(events).as("first event before shutdown").hasSize(1);

            closing = CompletableFuture.runAsync(gateway::close);
            try {
                while (lines.hasNext()) {
                    collect(lines.next(), events);
                }
            }
            catch (UncheckedIOException cut) {
                // the connection was closed under the stream: the assertions below say how far it got
            }

            assertThat(events).as("every chunk, then the end marker").hasSize(CHUNKS + 1);
            assertThat(events.subList(0, CHUNKS)).allMatch(event -> event.contains("\"content\""));
            assertThat(events.get(CHUNKS)).isEqualTo("data: [DONE]");
            closing.get(60, TimeUnit.SECONDS);
            assertThat(gateway.isActive()).isFalse();
        }
        finally {
            if (closing == null) {
                gateway.close();
            }
        }
    }

    /**
     * Streams longer than the shutdown bound (4 s here, 20 x 500 ms streams) are not cut silently: shortly before the
     * bound (2 s, the least margin) each gets its surface's error event, so a client knows it must retry. One
     * shutdown, one stream per surface.
     */
    @Test
    void streamsStillOpenWhenTheGraceEndsGetTheirSurfacesErrorEvent() throws Exception {
        ConfigurableApplicationContext gateway = startGateway("--spring.lifecycle.timeout-per-shutdown-phase=4s");
        CompletableFuture<Void> closing = null;
        try {
            int port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            String chat = "{\"model\":\"gemini-2.5-flash\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"a long story\"}]}";
            String native_ = "{\"contents\":[{\"parts\":[{\"text\":\"a long story\"}]}]}";
            Iterator<String> openai = openStream(port, "/v1/chat/completions", "Authorization",
                    "Bearer " + DemoWelcome.CLIENT_TOKEN, chat);
            Iterator<String> gemini = openStream(port,
                    "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "x-goog-api-key",
                    DemoWelcome.CLIENT_TOKEN, native_);
            List<String> openaiEvents = new ArrayList<>();
            List<String> geminiEvents = new ArrayList<>();
            while (openaiEvents.isEmpty() && openai.hasNext()) {
                collect(openai.next(), openaiEvents);
            }
            while (geminiEvents.isEmpty() && gemini.hasNext()) {
                collect(gemini.next(), geminiEvents);
            }

            closing = CompletableFuture.runAsync(gateway::close);
            readToEnd(openai, openaiEvents);
            readToEnd(gemini, geminiEvents);

            assertThat(openaiEvents.size()).as("cut short of its %d chunks", LONG_CHUNKS).isLessThan(LONG_CHUNKS);
            assertThat(openaiEvents.get(openaiEvents.size() - 1)).contains("\"code\":\"server_shutting_down\"",
                    "\"type\":\"server_error\"", "shutting down");
            assertThat(openaiEvents).noneMatch(event -> event.equals("data: [DONE]"));
            assertThat(geminiEvents.size()).isLessThan(LONG_CHUNKS);
            assertThat(geminiEvents.get(geminiEvents.size() - 1)).contains("\"code\":503",
                    "\"status\":\"UNAVAILABLE\"", "shutting down");
            closing.get(60, TimeUnit.SECONDS);
            assertThat(gateway.isActive()).isFalse();
        }
        finally {
            if (closing == null) {
                gateway.close();
            }
        }
    }

    private static final int LONG_CHUNKS = 20;

    private static Iterator<String> openStream(int port, String path, String header, String token, String body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header(header, token)
                .header("Content-Type", "application/json")
                .header("x-sim-chunks", Integer.toString(LONG_CHUNKS))
                .header("x-sim-interval-ms", Integer.toString(INTERVAL_MILLIS))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().iterator();
    }

    private static void readToEnd(Iterator<String> lines, List<String> events) {
        try {
            while (lines.hasNext()) {
                collect(lines.next(), events);
            }
        }
        catch (UncheckedIOException cut) {
            // the assertions say whether the error event came before the connection closed
        }
    }

    /** Own Netty resources: closing this gateway must not dispose the global ones other test contexts run on. */
    private static ConfigurableApplicationContext startGateway(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        args.addAll(List.of(extraArgs));
        return new SpringApplicationBuilder(SampleGatewayApplication.class)
                .profiles(DemoUpstreamInitializer.PROFILE)
                .initializers(context -> ((GenericApplicationContext) context).registerBean(ReactorResourceFactory.class,
                        () -> {
                            ReactorResourceFactory resources = new ReactorResourceFactory();
                            resources.setUseGlobalResources(false);
                            return resources;
                        }))
                .run(args.toArray(String[]::new));
    }

    private static void collect(String line, List<String> events) {
        if (line.startsWith("data:")) {
            events.add(line);
        }
    }
}
