package dev.geminigateway.simulator.http;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;

/** Timed emission of stream frames. */
final class Streams {

    private Streams() {
    }

    /** The frames, the first at once and each next one {@code interval} later, then the optional tail. */
    static Flux<byte[]> paced(List<byte[]> frames, Duration interval, byte[] tail) {
        Flux<byte[]> events = Flux.fromIterable(frames);
        if (!interval.isZero() && frames.size() > 1) {
            events = Flux.concat(Flux.just(frames.get(0)),
                    Flux.fromIterable(frames.subList(1, frames.size())).delayElements(interval));
        }
        if (tail != null) {
            Flux<byte[]> tailFlux = interval.isZero() ? Flux.just(tail) : Flux.just(tail).delayElements(interval);
            events = Flux.concat(events, tailFlux);
        }
        return events;
    }
}
