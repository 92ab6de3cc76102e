package dev.geminigateway.simulator;

/**
 * Live counts of the API requests the simulator answered (control requests under /__sim/ are not counted).
 * Keys are counted as received, whether known or not; a request without a credential counts only in totals,
 * models and statuses. A connection reset counts with status 0.
 */
public interface SimulatorCounters {
    long total();

    long forKey(String key);

    long forProject(String project);

    long forModel(String model);

    long withStatus(int status);

    long forKeyWithStatus(String key, int status);
}
