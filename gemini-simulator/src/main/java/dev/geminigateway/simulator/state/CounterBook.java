package dev.geminigateway.simulator.state;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.geminigateway.simulator.SimulatorCounters;

/** Lock-free request counters by key, project, model, status and key x status. */
public final class CounterBook implements SimulatorCounters {

    private final LongAdder total = new LongAdder();
    private final Map<String, LongAdder> byKey = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byProject = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byModel = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byKeyAndStatus = new ConcurrentHashMap<>();

    /** key, project and model may be null (not known for this request). */
    public void record(String key, String project, String model, int status) {
        total.increment();
        if (key != null) {
            byKey.computeIfAbsent(key, k -> new LongAdder()).increment();
            byKeyAndStatus.computeIfAbsent(status + "|" + key, k -> new LongAdder()).increment();
        }
        if (project != null) byProject.computeIfAbsent(project, k -> new LongAdder()).increment();
        if (model != null) byModel.computeIfAbsent(model, k -> new LongAdder()).increment();
        byStatus.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    @Override public long total() { return total.sum(); }

    @Override public long forKey(String key) { return sum(byKey, key); }

    @Override public long forProject(String project) { return sum(byProject, project); }

    @Override public long forModel(String model) {
        return sum(byModel, model != null && model.startsWith("models/") ? model.substring(7) : model);
    }

    @Override public long withStatus(int status) { return sum(byStatus, status); }

    @Override public long forKeyWithStatus(String key, int status) { return sum(byKeyAndStatus, status + "|" + key); }

    public Map<String, Long> keys() { return snapshot(byKey); }

    public Map<String, Long> projects() { return snapshot(byProject); }

    public Map<String, Long> models() { return snapshot(byModel); }

    public Map<String, Long> statuses() { return snapshot(byStatus); }

    public void clear() {
        total.reset();
        byKey.clear();
        byProject.clear();
        byModel.clear();
        byStatus.clear();
        byKeyAndStatus.clear();
    }

    private static <K> long sum(Map<K, LongAdder> map, K key) {
        LongAdder adder = key == null ? null : map.get(key);
        return adder == null ? 0 : adder.sum();
    }

    private static <K> Map<String, Long> snapshot(Map<K, LongAdder> map) {
        Map<String, Long> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v.sum()));
        return out;
    }
}
