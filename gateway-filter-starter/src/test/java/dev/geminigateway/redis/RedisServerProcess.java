package dev.geminigateway.redis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real {@code redis-server} for tests: on a free port, without persistence ({@code --save "" --appendonly no}),
 * killed with SIGKILL for fault tests and restarted on the same port. A missing {@code redis-server} fails the test
 * (an {@link AssertionError}), it never skips it. Never touches a system Redis on 6379.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 5;

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisServerProcess(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    /** A standalone server on a free port, running and answering PING. */
    public static RedisServerProcess start() {
        return start(List.of());
    }

    static RedisServerProcess start(List<String> extraArgs) {
        return launchOnAFreePort("redis-test-", (port, dir) -> extraArgs);
    }

    /** A cluster node (cluster-enabled, its nodes file in its own temp dir); not yet part of a cluster. */
    static RedisServerProcess startClusterNode() {
        return launchOnAFreePort("redis-cluster-", (port, dir) -> List.of("--cluster-enabled", "yes",
                "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(),
                "--cluster-node-timeout", "2000"));
    }

    /**
     * The port was free when the OS handed it out, but another process (another build on the machine, an outgoing
     * connection) may take it before redis-server binds it: then a fresh port is tried.
     */
    private static RedisServerProcess launchOnAFreePort(String dirPrefix,
            java.util.function.BiFunction<Integer, Path, List<String>> args) {
        AssertionError last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            RedisServerProcess server;
            try {
                Path dir = Files.createTempDirectory(dirPrefix);
                int port = freePort();
                server = new RedisServerProcess(port, dir, args.apply(port, dir));
            }
            catch (IOException e) {
                throw new AssertionError("Could not prepare a redis-server for the test", e);
            }
            try {
                server.launch();
                return server;
            }
            catch (AssertionError e) {
                server.close();
                if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** SIGKILL: no shutdown, no save; clients see the connection drop. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    throw new AssertionError("redis-server on port " + port + " did not die");
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            process = null;
        }
    }

    /** Starts again on the same port, empty (no persistence). */
    public void restart() {
        kill();
        launch();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Runs one command through redis-cli against this server and returns its output, trimmed. */
    public String cli(String... command) {
        List<String> args = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        args.addAll(List.of(command));
        return run(args, Duration.ofSeconds(10));
    }

    public void flushAll() {
        String reply = cli("FLUSHALL");
        if (!reply.contains("OK")) {
            throw new AssertionError("FLUSHALL failed: " + reply);
        }
    }

    /** Kills the server and removes its directory (log, cluster nodes file). */
    @Override
    public void close() {
        kill();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
        catch (IOException e) {
            // Only temp files are left behind.
        }
    }

    private void launch() {
        List<String> args = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"));
        args.addAll(extraArgs);
        try {
            process = new ProcessBuilder(args).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        }
        catch (IOException e) {
            throw new AssertionError("redis-server is required for the Redis store tests and could not be run "
                    + "(install the redis-server package): " + e.getMessage(), e);
        }
        try {
            // the answer must come from this process: another build's redis-server may hold the port
            String itself = "process_id:" + process.pid();
            Awaitility.await("redis-server on port " + port + " answers").atMost(STARTUP)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("redis-server exited at start: " + log());
                        }
                        return cli("INFO", "server").contains(itself);
                    });
        }
        catch (ConditionTimeoutException e) {
            throw new AssertionError("redis-server on port " + port + " did not answer: " + log(), e);
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis-" + port + ".log"));
        }
        catch (IOException e) {
            return "(no log)";
        }
    }

    static String run(List<String> args, Duration timeout) {
        try {
            File out = File.createTempFile("redis-cli-", ".out");
            try {
                Process cli = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(out).start();
                if (!cli.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    cli.destroyForcibly();
                    throw new AssertionError("Timed out: " + args);
                }
                return Files.readString(out.toPath(), StandardCharsets.UTF_8).trim();
            }
            finally {
                out.delete();
            }
        }
        catch (IOException e) {
            throw new AssertionError("Could not run " + args.get(0) + ": " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** A port nobody listens on (free when asked), for tests of an unreachable Redis. */
    static int closedPort() {
        try {
            return freePort();
        }
        catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
