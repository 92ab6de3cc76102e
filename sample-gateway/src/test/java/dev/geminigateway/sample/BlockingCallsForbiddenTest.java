package dev.geminigateway.sample;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BlockHound is active in this module's tests: a blocking call on a non-blocking thread fails. */
class BlockingCallsForbiddenTest {

    @Test
    void sleepingOnTheParallelSchedulerFails() {
        Mono<Integer> blocking = Mono.fromCallable(() -> {
            Thread.sleep(1);
            return 1;
        }).subscribeOn(Schedulers.parallel());
        assertThatThrownBy(blocking::block).hasCauseInstanceOf(BlockingOperationError.class);
    }
}
