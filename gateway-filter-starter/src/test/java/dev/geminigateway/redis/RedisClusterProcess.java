package dev.geminigateway.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A local Redis Cluster of real redis-server processes (no replicas), created with {@code redis-cli --cluster create}. */
public final class RedisClusterProcess implements AutoCloseable {

    private final List<RedisServerProcess> nodes;

    private RedisClusterProcess(List<RedisServerProcess> nodes) {
        this.nodes = nodes;
    }

    public static RedisClusterProcess start(int size) {
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                nodes.add(RedisServerProcess.startClusterNode());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String output = RedisServerProcess.run(create, Duration.ofSeconds(30));
            if (!output.contains("All 16384 slots covered")) {
                throw new AssertionError("redis-cli --cluster create failed: " + output);
            }
            RedisClusterProcess cluster = new RedisClusterProcess(nodes);
            cluster.awaitHealthy();
            return cluster;
        }
        catch (RuntimeException | Error e) {
            nodes.forEach(RedisServerProcess::close);
            throw e;
        }
    }

    /** host:port of every node, the form spring.data.redis.cluster.nodes takes. */
    public List<String> nodeAddresses() {
        return nodes.stream().map(node -> "127.0.0.1:" + node.port()).toList();
    }

    public List<RedisServerProcess> nodes() {
        return nodes;
    }

    /** The node that serves {@code key}'s slot: the others answer MOVED. */
    public RedisServerProcess ownerOf(String key) {
        for (RedisServerProcess node : nodes) {
            if (!node.cli("EXISTS", key).contains("MOVED")) {
                return node;
            }
        }
        throw new AssertionError("No node serves " + key);
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ok = nodes.stream().allMatch(node -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok"));
            if (ok) {
                return;
            }
            RedisServerProcess.sleep(100);
        }
        throw new AssertionError("Redis cluster did not reach cluster_state:ok");
    }

    @Override
    public void close() {
        nodes.forEach(RedisServerProcess::close);
    }
}
