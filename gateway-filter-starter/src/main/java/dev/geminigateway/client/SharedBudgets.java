package dev.geminigateway.client;

import reactor.core.publisher.Mono;

/**
 * Client budget counters shared between replicas (the Redis backend implements it). A failed or slow call is an
 * error, and {@link ClientBudgets} then counts on this replica alone, from the last totals it saw: fail-open to local
 * counting, never to no budget.
 */
public interface SharedBudgets {

    /**
     * Adds {@code delta} to the client's counters of the day {@code day} and the month {@code month} (period ids such
     * as {@code 2026-05-14} and {@code 2026-05}) and answers the totals after the addition.
     */
    Mono<BudgetTotals> add(String client, String day, String month, BudgetCounts delta);

    /**
     * The client's totals as this replica knows them without asking (the store's last answer and what this replica
     * counted since), or null when it knows none for that day and month yet.
     */
    default BudgetTotals known(String client, String day, String month) {
        return null;
    }

    /** Adds {@code delta} without waiting for it: the store sends it soon, batched with others. */
    default void addLater(String client, String day, String month, BudgetCounts delta) {
        add(client, day, month, delta).subscribe(totals -> {
        }, failed -> {
        });
    }
}
