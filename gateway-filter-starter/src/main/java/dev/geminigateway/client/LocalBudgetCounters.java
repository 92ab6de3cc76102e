package dev.geminigateway.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Budget counters of this replica: the whole count without Redis, and the fallback while Redis is unreachable, then
 * starting from the totals Redis last answered. One entry per client with a budget (names come from the
 * configuration, so the map is bounded), holding only the current day and month: a new period starts from zero.
 */
final class LocalBudgetCounters {

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    /** Adds {@code delta} and answers the totals after it. */
    BudgetTotals add(String client, String day, String month, BudgetCounts delta) {
        return entry(client).update(day, month, delta, null);
    }

    /** Learns totals another store answered (never lowers a count). */
    void observe(String client, String day, String month, BudgetTotals seen) {
        entry(client).update(day, month, BudgetCounts.ZERO, seen);
    }

    /** What this replica knows was used in these periods. */
    BudgetTotals totals(String client, String day, String month) {
        Entry entry = entries.get(client);
        return entry == null ? BudgetTotals.ZERO : entry.update(day, month, BudgetCounts.ZERO, null);
    }

    private Entry entry(String client) {
        return entries.computeIfAbsent(client, name -> new Entry());
    }

    /** One client's current periods; a short critical section per change, never held across I/O. */
    private static final class Entry {

        private String day = "";
        private String month = "";
        private BudgetCounts dayCounts = BudgetCounts.ZERO;
        private BudgetCounts monthCounts = BudgetCounts.ZERO;

        synchronized BudgetTotals update(String today, String thisMonth, BudgetCounts delta, BudgetTotals seen) {
            if (!day.equals(today)) {
                day = today;
                dayCounts = BudgetCounts.ZERO;
            }
            if (!month.equals(thisMonth)) {
                month = thisMonth;
                monthCounts = BudgetCounts.ZERO;
            }
            dayCounts = dayCounts.plus(delta);
            monthCounts = monthCounts.plus(delta);
            if (seen != null) {
                dayCounts = dayCounts.max(seen.day());
                monthCounts = monthCounts.max(seen.month());
            }
            return new BudgetTotals(dayCounts, monthCounts);
        }
    }
}
