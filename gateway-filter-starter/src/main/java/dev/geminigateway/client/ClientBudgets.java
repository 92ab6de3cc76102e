package dev.geminigateway.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import dev.geminigateway.attempt.Usage;
import dev.geminigateway.metrics.MeterCache;

/**
 * Per-token budgets (ARCHITECTURE.md §7): requests, input and output tokens per calendar day and month of one time
 * zone. A request is counted when it is let through ({@link #admit}); the tokens when Gemini reports them
 * ({@link #record}), so a token budget can be passed by the one request that was running when it ran out. Counters
 * live in {@link SharedBudgets} (Redis) when there is one, else, and while it fails, on this replica.
 * <p>
 * Every authenticated client's usage is metered as {@value #USAGE}{@code {client,measure}}: the client tag is the
 * configured name (or {@code token-<fingerprint>}), so its values are bounded by the issued tokens.
 */
public final class ClientBudgets {

    static final String USAGE = "gemini.gateway.client.usage";

    private static final Log log = LogFactory.getLog(ClientBudgets.class);
    private static final BudgetCounts ONE_REQUEST = new BudgetCounts(1, 0, 0);
    private static final BudgetCounts GIVE_BACK = new BudgetCounts(-1, 0, 0);

    /** Why a client was refused: the measure it used up, and when that budget renews. */
    public record Exhausted(String client, String measure, Instant renewsAt, Duration retryAfter, ZoneId zone) {

        /** For the client: its own name and budget, nothing about any other token. */
        public String message() {
            return "Client token '" + client + "' has used its budget of " + measure + "; it renews at "
                    + renewsAt.atZone(zone).toOffsetDateTime() + " (" + zone + ")";
        }
    }

    private record Meter(String client, String measure) {
    }

    private final Map<String, TokenBudget> budgets;
    private final ZoneId zone;
    private final Clock clock;
    private final SharedBudgets shared;
    private final LocalBudgetCounters local = new LocalBudgetCounters();
    private final MeterCache<Meter, Counter> meters;
    /** What each client used since this replica started, for the console; client names are configured: bounded. */
    private final Map<Meter, LongAdder> usedSinceStart = new ConcurrentHashMap<>();

    /**
     * @param budgets by client name; clients without one (or with an empty one) are only metered
     * @param zone where days and months begin and end
     * @param shared counters shared by replicas; null to count on this replica
     * @param registry for the usage meters; null for none
     */
    public ClientBudgets(Map<String, TokenBudget> budgets, ZoneId zone, Clock clock, SharedBudgets shared,
            MeterRegistry registry) {
        this.budgets = Map.copyOf(budgets);
        this.zone = zone;
        this.clock = clock;
        this.shared = shared;
        this.meters = registry == null ? null : new MeterCache<>(tags -> Counter.builder(USAGE)
                .description("Requests let through and tokens Gemini reported, by client token")
                .tag("client", tags.client()).tag("measure", tags.measure()).register(registry));
    }

    /** Whether {@code client} has a budget to check: without one {@link #admit} only meters the request. */
    public boolean hasBudget(String client) {
        TokenBudget budget = budgets.get(client);
        return budget != null && !budget.isEmpty();
    }

    /** Meters one request of a client {@link #hasBudget without a budget}, as {@link #admit} would. */
    public void meterRequest(String client) {
        meter(client, "requests", 1);
    }

    /** Counts the request; empty when the client may go on, else the budget it has used up (not counted then). */
    public Mono<Exhausted> admit(String client) {
        TokenBudget budget = budgets.get(client);
        if (budget == null || budget.isEmpty()) {
            meterRequest(client);
            return Mono.empty();
        }
        ZonedDateTime now = clock.instant().atZone(zone);
        String day = now.toLocalDate().toString();
        String month = YearMonth.from(now).toString();
        if (shared != null) {
            // Far from every limit: counted here and sent to the shared counters shortly after, no round trip.
            BudgetTotals known = shared.known(client, day, month);
            if (known != null) {
                BudgetTotals after = new BudgetTotals(known.day().plus(ONE_REQUEST), known.month().plus(ONE_REQUEST));
                if (budget.farFromLimits(after)) {
                    shared.addLater(client, day, month, ONE_REQUEST);
                    local.observe(client, day, month, after);
                    meter(client, "requests", 1);
                    return Mono.empty();
                }
            }
        }
        return add(client, day, month, ONE_REQUEST).flatMap(after -> {
            BudgetTotals before = new BudgetTotals(after.day().plus(GIVE_BACK), after.month().plus(GIVE_BACK));
            String measure = budget.exhausted(before);
            if (measure == null) {
                meter(client, "requests", 1);
                return Mono.empty();
            }
            add(client, day, month, GIVE_BACK).subscribe();
            Instant renews = renewal(now, TokenBudget.monthly(measure));
            return Mono.just(new Exhausted(client, measure, renews, Duration.between(now.toInstant(), renews), zone));
        });
    }

    /** Counts the tokens Gemini billed for one of the client's requests. */
    public void record(String client, Usage usage) {
        meter(client, "input_tokens", usage.promptTokens());
        meter(client, "output_tokens", usage.outputTokens());
        TokenBudget budget = budgets.get(client);
        if (budget == null || budget.isEmpty()) {
            return;
        }
        ZonedDateTime now = clock.instant().atZone(zone);
        String day = now.toLocalDate().toString();
        String month = YearMonth.from(now).toString();
        BudgetCounts tokens = new BudgetCounts(0, usage.promptTokens(), usage.outputTokens());
        if (shared == null) {
            local.add(client, day, month, tokens);
            return;
        }
        // After the answer, nobody waits: batched with the client's other counts.
        shared.addLater(client, day, month, tokens);
        BudgetTotals known = shared.known(client, day, month);
        if (known != null) {
            local.observe(client, day, month, known);
        }
    }

    /**
     * Every budgeted client's budget and use as this replica last saw it ({@code clients}), and every client's use
     * since this replica started ({@code usage}: requests, input_tokens, output_tokens), for the admin API.
     */
    public Map<String, Object> view() {
        ZonedDateTime now = clock.instant().atZone(zone);
        String day = now.toLocalDate().toString();
        String month = YearMonth.from(now).toString();
        Map<String, Object> clients = new LinkedHashMap<>();
        budgets.forEach((client, budget) -> {
            if (budget.isEmpty()) {
                return;
            }
            BudgetTotals used = local.totals(client, day, month);
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("budget", budget);
            view.put("day", Map.of("period", day, "used", used.day(), "renewsAt", renewal(now, false).toString()));
            view.put("month", Map.of("period", month, "used", used.month(), "renewsAt", renewal(now, true).toString()));
            view.put("exhausted", budget.exhausted(used));
            clients.put(client, view);
        });
        return Map.of("zone", zone.getId(), "clients", clients, "usage", usageSinceStart());
    }

    public ZoneId zone() {
        return zone;
    }

    private Mono<BudgetTotals> add(String client, String day, String month, BudgetCounts delta) {
        if (shared == null) {
            return Mono.just(local.add(client, day, month, delta));
        }
        return shared.add(client, day, month, delta)
                .doOnNext(totals -> local.observe(client, day, month, totals))
                .onErrorResume(e -> {
                    log.debug("Client budget counters unavailable; counting on this replica: " + e);
                    return Mono.just(local.add(client, day, month, delta));
                });
    }

    /** The next midnight (or first of the next month) in the budget zone. */
    private Instant renewal(ZonedDateTime now, boolean monthly) {
        LocalDate next = monthly ? YearMonth.from(now).plusMonths(1).atDay(1) : now.toLocalDate().plusDays(1);
        return next.atStartOfDay(zone).toInstant();
    }

    private void meter(String client, String measure, long amount) {
        if (client == null || amount <= 0) {
            return;
        }
        Meter meter = new Meter(client, measure);
        usedSinceStart.computeIfAbsent(meter, m -> new LongAdder()).add(amount);
        if (meters != null) {
            meters.get(meter).increment(amount);
        }
    }

    /** Per client name: requests let through and tokens Gemini reported since this replica started. */
    private Map<String, Map<String, Long>> usageSinceStart() {
        Map<String, Map<String, Long>> usage = new TreeMap<>();
        usedSinceStart.forEach((meter, sum) -> usage.computeIfAbsent(meter.client(), client -> new TreeMap<>())
                .put(meter.measure(), sum.sum()));
        return usage;
    }
}
