package dev.geminigateway.testsupport;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * Installs BlockHound before any test runs, in every module whose tests depend on this one (registered in this
 * jar's META-INF/services, so the JUnit launcher finds it on the test class path): a blocking call on a non-blocking
 * thread (an event loop, Reactor's parallel scheduler) throws there, so it fails the test that made it. Reactor,
 * Netty and Spring bring their own allowances for their internals. Each distinct offending stack is also written to
 * {@code target/blocking-calls.txt} of the module under test, since an error handler may turn the error into a plain
 * 500. Each module keeps a {@code BlockingCallsForbiddenTest} that proves BlockHound is active in its own run.
 */
public class BlockingCallsForbidden implements LauncherSessionListener {

    private static final Map<String, Boolean> STACKS = new ConcurrentHashMap<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        BlockHound.install(builder -> builder
                // Request ids: SecureRandom reads /dev/urandom, which never blocks (only /dev/random could).
                .allowBlockingCallsInside("java.util.UUID", "randomUUID")
                // Jackson builds a deserializer once per type under a lock; later reads find it cached.
                .allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
                        "_createAndCacheValueDeserializer")
                // Netty's buffer pool locks briefly in memory (no I/O) when it adds a magazine under contention.
                .allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                .blockingMethodCallback(method -> {
            BlockingOperationError error = new BlockingOperationError(method);
            StringWriter stack = new StringWriter();
            error.printStackTrace(new PrintWriter(stack));
            if (!stack.toString().contains("BlockingCallsForbiddenTest")) {
                STACKS.putIfAbsent(Thread.currentThread().getName().replaceAll("\\d+", "N") + ": " + stack, true);
            }
            throw error;
        }));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Path report = Path.of("target", "blocking-calls.txt");
        try {
            if (STACKS.isEmpty()) {
                Files.deleteIfExists(report);
            }
            else {
                Files.writeString(report, String.join("\n", STACKS.keySet()));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
