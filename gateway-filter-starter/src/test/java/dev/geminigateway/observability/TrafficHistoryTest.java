package dev.geminigateway.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.geminigateway.model.KnownModels;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficHistoryTest {

    private static final String M = "gemini-2.5-flash";
    private static final long MS = 1_000_000;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:30Z"));
    private final TrafficHistory history = new TrafficHistory(clock, KnownModels.catalogue(), 3);

    @Test
    void countsPerMinuteAndGroupAndModel() {
        history.record("g", M, true, 0, 0, false, 40 * MS);
        history.record("g", M, false, 2, 1, true, 300 * MS);
        clock.advance(Duration.ofMinutes(1));
        history.record("g", M, true, 1, 0, false, 8 * MS);

        Map<String, Object> series = only(history.snapshot());
        assertThat(last(series, "requests", 2)).containsExactly(2L, 1L);
        assertThat(last(series, "successes", 2)).containsExactly(1L, 1L);
        assertThat(last(series, "upstream429", 2)).containsExactly(2L, 1L);
        assertThat(last(series, "upstreamErrors", 2)).containsExactly(1L, 0L);
        assertThat(last(series, "gateway429", 2)).containsExactly(1L, 0L);
        assertThat(((List<?>) series.get("requests")).subList(0, 58)).allMatch(n -> (Long) n == 0);
        assertThat(((List<?>) series.get("p50Ms")).get(0)).isNull();
    }

    @Test
    void anHourLaterASlotStartsFromZeroAndMemoryDoesNotGrowWithTraffic() {
        for (int i = 0; i < 10_000; i++) {
            history.record("g", M, true, 0, 0, false, MS);
        }
        clock.advance(Duration.ofMinutes(60));
        history.record("g", M, true, 0, 0, false, MS);
        assertThat(last(only(history.snapshot()), "requests", 1)).containsExactly(1L);
        assertThat(((List<?>) only(history.snapshot()).get("requests")).stream().mapToLong(n -> (Long) n).sum())
                .isEqualTo(1);
        clock.advance(Duration.ofMinutes(61));
        assertThat((List<?>) history.snapshot().get("series")).as("nothing in the last hour").isEmpty();
    }

    @Test
    void unknownModelsShareOneSeriesAndSeriesAreCapped() {
        history.record("g", "client-invented-1", true, 0, 0, false, MS);
        history.record("g", "client-invented-2", true, 0, 0, false, MS);
        history.record("g", M, true, 0, 0, false, MS);
        history.record("g", null, true, 0, 0, false, MS);
        history.record("g", "gemini-2.5-pro", true, 0, 0, false, MS);
        List<?> series = (List<?>) history.snapshot().get("series");
        assertThat(series).hasSize(3);
        assertThat(series.stream().map(s -> (Object) ((Map<?, ?>) s).get("model")).toList())
                .containsExactlyInAnyOrder(KnownModels.OTHER, M, "none");
        assertThat(history.modelsSeen("g")).containsExactly(M);
    }

    @Test
    void percentilesComeFromTheBucketsInterpolated() {
        for (int i = 0; i < 90; i++) {
            history.record("g", M, true, 0, 0, false, 30 * MS);
        }
        for (int i = 0; i < 10; i++) {
            history.record("g", M, true, 0, 0, false, 1_500 * MS);
        }
        Map<String, Object> series = only(history.snapshot());
        long p50 = (Long) last(series, "p50Ms", 1).get(0);
        long p95 = (Long) last(series, "p95Ms", 1).get(0);
        assertThat(p50).isBetween(20L, 50L);
        assertThat(p95).isBetween(1_000L, 2_000L);
        assertThat(TrafficHistory.quantile(new long[TrafficHistory.LATENCY_BOUNDS_MS.length + 1], 0.5)).isNull();
    }

    private static Map<String, Object> only(Map<String, Object> snapshot) {
        List<?> series = (List<?>) snapshot.get("series");
        assertThat(series).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> one = (Map<String, Object>) series.get(0);
        return one;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> last(Map<String, Object> series, String figure, int n) {
        List<Object> values = (List<Object>) series.get(figure);
        return values.subList(values.size() - n, values.size());
    }
}
