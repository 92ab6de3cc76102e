package dev.geminigateway.sample.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The console's chart library, uPlot, from its WebJar ({@code org.webjars.npm:uplot}), served by the gateway itself
 * (nothing from a CDN). The two files are read once at start-up: Spring's static resource handler would read them
 * from the jar on the event loop at every first request, a blocking file read.
 */
final class ConsoleAssets {

    static final String UPLOT_VERSION = "1.6.30";
    private static final String WEBJAR = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";
    private static final String PATH = "/webjars/uplot/" + UPLOT_VERSION + "/dist/";

    private ConsoleAssets() {
    }

    static RouterFunction<ServerResponse> routes() {
        Map<String, MediaType> files = Map.of("uPlot.iife.min.js", MediaType.parseMediaType("text/javascript"),
                "uPlot.min.css", MediaType.parseMediaType("text/css"));
        RouterFunction<ServerResponse> routes = null;
        for (Map.Entry<String, MediaType> file : files.entrySet()) {
            byte[] content = read(WEBJAR + file.getKey());
            RouterFunction<ServerResponse> one = route(GET(PATH + file.getKey()), request -> ServerResponse.ok()
                    .contentType(file.getValue()).cacheControl(CacheControl.maxAge(Duration.ofDays(1)))
                    .bodyValue(content));
            routes = routes == null ? one : routes.and(one);
        }
        return routes;
    }

    private static byte[] read(String path) {
        try (InputStream in = new ClassPathResource(path).getInputStream()) {
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException("The uPlot WebJar is missing: " + path, e);
        }
    }
}
