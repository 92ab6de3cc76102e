package dev.geminigateway.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.geminigateway.key.ApiKey;
import dev.geminigateway.key.KeyRegistry;
import dev.geminigateway.quota.QuotaLedgers;
import dev.geminigateway.quota.QuotaLimitSources;
import dev.geminigateway.quota.QuotaLimits;
import dev.geminigateway.quota.QuotaMetric;
import dev.geminigateway.quota.QuotaScheduler;
import dev.geminigateway.quota.QuotaUsage;
import dev.geminigateway.store.Cooldown;
import dev.geminigateway.store.KeyStateStore;

/**
 * Quota headroom per (group, project, model) with a known limit: for RPM, TPM and RPD the limit in force, where it
 * comes from, what is used and what is left, and when the oldest admission of the minute leaves the window; and every
 * project that is cooling, with the reason and the time left. With the Redis ledgers the figures are the shared ones
 * (each read with the ledgers' timeout, and this one's on top; a row says when only this replica's counts answered).
 * Projects and models only: no key appears.
 */
public class QuotaHeadroomViews {

    /** Ledger reads in flight at once for one view. */
    private static final int CONCURRENCY = 8;

    private final QuotaLimitViews limits;
    private final QuotaScheduler scheduler;
    private final KeyStateStore store;
    private final KeyRegistry registry;
    private final Clock clock;
    private final Duration timeout;

    public QuotaHeadroomViews(QuotaLimitViews limits, QuotaScheduler scheduler, KeyStateStore store,
            KeyRegistry registry, Clock clock, Duration timeout) {
        this.limits = limits;
        this.scheduler = scheduler;
        this.store = store;
        this.registry = registry;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** @param seen models served lately per group, beyond those with a declared, preset or learned limit */
    public Mono<Map<String, Object>> overview(Function<String, Set<String>> seen) {
        Instant now = clock.instant();
        QuotaLedgers ledgers = scheduler.ledgers();
        List<QuotaLimitViews.Limited> limited = limits.inForce(seen);
        return Flux.fromIterable(limited)
                .flatMapSequential(entry -> {
                    QuotaLimits inForce = limits.policy().limits(entry.group(), entry.project(), entry.model());
                    return ledgers.usage(entry.project(), entry.model(), inForce)
                            .timeout(timeout)
                            .map(Optional::of)
                            .onErrorReturn(Optional.empty())
                            .defaultIfEmpty(Optional.empty())
                            .map(usage -> row(entry, usage.orElse(null), now));
                }, CONCURRENCY)
                .collectList()
                .map(rows -> {
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("now", now.toString());
                    view.put("ledgers", ledgers.kind());
                    view.put("proactive", scheduler.proactive());
                    view.put("rows", rows);
                    view.put("cooling", cooling(now));
                    return view;
                });
    }

    private Map<String, Object> row(QuotaLimitViews.Limited entry, QuotaUsage usage, Instant now) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("group", entry.group());
        row.put("project", entry.project());
        row.put("model", entry.model());
        row.put("ledger", usage == null ? "unavailable" : usage.ledger());
        row.put("nextFreeAt", usage == null || usage.nextFreeAt() == null ? null : usage.nextFreeAt().toString());
        entry.limits().forEach((metric, limit) -> row.put(metric.tag(), figure(limit, used(usage, metric))));
        Optional<Cooldown> cooldown = store.cooldown(entry.project(), entry.model(), now);
        row.put("cooling", cooldown.map(c -> cooldownView(c, now)).orElse(null));
        return row;
    }

    private static Long used(QuotaUsage usage, QuotaMetric metric) {
        if (usage == null) {
            return null;
        }
        return switch (metric) {
            case RPM -> usage.requestsThisMinute();
            case TPM -> usage.tokensThisMinute();
            case RPD -> usage.requestsToday();
        };
    }

    private static Map<String, Object> figure(QuotaLimitSources.InForce limit, Long used) {
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("limit", limit.limit());
        figure.put("source", limit.source() == null ? null : limit.source().id());
        figure.put("used", used);
        if (limit.limit() != null && used != null) {
            long left = Math.max(0, limit.limit() - used);
            figure.put("left", left);
            figure.put("leftPercent", limit.limit() == 0 ? 0.0 : Math.round(1000.0 * left / limit.limit()) / 10.0);
        }
        return figure;
    }

    /** Every project cooling now, soonest end first, with the groups its keys belong to. */
    private List<Map<String, Object>> cooling(Instant now) {
        List<Cooldown> active = new ArrayList<>();
        for (Cooldown cooldown : store.cooldowns(now)) {
            if (cooldown.activeAt(now)) {
                active.add(cooldown);
            }
        }
        active.sort(Comparator.comparing(Cooldown::until));
        List<Map<String, Object>> views = new ArrayList<>();
        for (Cooldown cooldown : active) {
            Map<String, Object> view = cooldownView(cooldown, now);
            view.put("project", cooldown.project());
            view.put("model", cooldown.model());
            view.put("groups", groupsOf(cooldown.project()));
            views.add(view);
        }
        return views;
    }

    private static Map<String, Object> cooldownView(Cooldown cooldown, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("reason", cooldown.reason() == null ? "" : cooldown.reason());
        view.put("until", cooldown.until().toString());
        view.put("secondsLeft", Math.max(0, Duration.between(now, cooldown.until()).toSeconds()));
        return view;
    }

    private Set<String> groupsOf(String project) {
        Set<String> groups = new TreeSet<>();
        for (ApiKey key : registry.allKeys()) {
            if (key.project().equals(project)) {
                groups.add(key.group());
            }
        }
        return groups;
    }
}
