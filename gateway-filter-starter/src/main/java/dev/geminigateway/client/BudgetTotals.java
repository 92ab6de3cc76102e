package dev.geminigateway.client;

/** What one client used in the current day and the current month of the budget time zone. */
public record BudgetTotals(BudgetCounts day, BudgetCounts month) {

    public static final BudgetTotals ZERO = new BudgetTotals(BudgetCounts.ZERO, BudgetCounts.ZERO);
}
