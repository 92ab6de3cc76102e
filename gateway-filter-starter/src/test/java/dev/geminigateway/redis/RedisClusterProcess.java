package dev.geminigateway.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;

/**
 * A local Redis Cluster of real redis-server processes, created with {@code redis-cli --cluster create}: masters only,
 * or with replicas, so that a test can fail one master over to its replica under load.
 */
public final class RedisClusterProcess implements AutoCloseable {

    private final List<RedisServerProcess> nodes;

    private RedisClusterProcess(List<RedisServerProcess> nodes) {
        this.nodes = nodes;
    }

    public static RedisClusterProcess start(int size) {
        return start(size, 0);
    }

    /** {@code masters} masters, each with {@code replicasPerMaster} replicas. */
    public static RedisClusterProcess start(int masters, int replicasPerMaster) {
        int size = masters * (1 + replicasPerMaster);
        List<RedisServerProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                nodes.add(RedisServerProcess.startClusterNode());
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
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

    /** The master that serves {@code key}'s slot: the others answer MOVED (replicas too, without READONLY) or fail. */
    public RedisServerProcess ownerOf(String key) {
        for (RedisServerProcess node : nodes) {
            if (node.isAlive() && node.cli("EXISTS", key).matches("\\d+")) {
                return node;
            }
        }
        throw new AssertionError("No node serves " + key);
    }

    /**
     * A manual failover of the master serving {@code key}: one of its replicas runs {@code CLUSTER FAILOVER} and
     * takes over the slot; the old master becomes its replica. Returns the new master, once it serves the key.
     */
    public RedisServerProcess failOver(String key) {
        awaitHealthy();
        RedisServerProcess master = ownerOf(key);
        String masterId = master.cli("CLUSTER", "MYID");
        RedisServerProcess replica = nodes.stream()
                .filter(node -> node != master && node.isAlive() && node.cli("ROLE").startsWith("slave")
                        && node.cli("CLUSTER", "NODES").lines().anyMatch(line -> line.contains("myself")
                                && line.contains(masterId)))
                .findFirst().orElseThrow(() -> new AssertionError("The master of " + key + " has no replica"));
        String reply = replica.cli("CLUSTER", "FAILOVER");
        if (!reply.contains("OK")) {
            throw new AssertionError("CLUSTER FAILOVER refused: " + reply);
        }
        Awaitility.await("the failover of " + key + "'s master completes").atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> replica.cli("ROLE").startsWith("master") && !replica.cli("EXISTS", key).contains("MOVED"));
        awaitHealthy();
        return replica;
    }

    /**
     * SIGKILLs the master serving {@code key}; its replica takes over once the others see it fail (the node timeout,
     * 2 s). Returns the killed node, for {@link #rejoin}.
     */
    public RedisServerProcess killMasterOf(String key) {
        awaitHealthy();
        RedisServerProcess master = ownerOf(key);
        master.kill();
        return master;
    }

    /** Waits until a live master serves {@code key} again and returns it. */
    public RedisServerProcess awaitNewMasterOf(String key) {
        return Awaitility.await("a replica takes over " + key).atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> nodes.stream().filter(node -> node.isAlive() && node.cli("ROLE").startsWith("master")
                        && node.cli("EXISTS", key).matches("\\d+")
                        && node.cli("CLUSTER", "INFO").contains("cluster_state:ok")).findFirst(),
                        java.util.Optional::isPresent)
                .get();
    }

    /** Starts a killed node again with its nodes file: it rejoins as a replica of the master that replaced it. */
    public void rejoin(RedisServerProcess killed) {
        killed.restart();
        awaitHealthy();
    }

    private void awaitHealthy() {
        // A replica that has not synced with its master yet would refuse to take over from it.
        Awaitility.await("Redis cluster reaches cluster_state:ok with every replica in sync")
                .atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> nodes.stream().filter(RedisServerProcess::isAlive)
                        .allMatch(node -> node.cli("CLUSTER", "INFO").contains("cluster_state:ok")
                                && (!node.cli("ROLE").startsWith("slave")
                                        || node.cli("INFO", "replication").contains("master_link_status:up"))));
    }

    @Override
    public void close() {
        nodes.forEach(RedisServerProcess::close);
    }
}
