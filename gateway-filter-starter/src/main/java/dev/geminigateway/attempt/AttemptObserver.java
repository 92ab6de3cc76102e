package dev.geminigateway.attempt;

import java.util.ArrayList;
import java.util.List;

import org.springframework.web.server.ServerWebExchange;

/**
 * Told of every upstream attempt KeyRotation makes. KeyHealthFeedback registers one per request to learn from
 * outcomes; KeyRotation itself only decides whether to try again.
 */
@FunctionalInterface
public interface AttemptObserver {

    String ATTRIBUTE = AttemptObserver.class.getName();

    void onAttempt(ServerWebExchange exchange, AttemptRecord record);

    static void register(ServerWebExchange exchange, AttemptObserver observer) {
        List<AttemptObserver> observers = exchange.getAttribute(ATTRIBUTE);
        if (observers == null) {
            observers = new ArrayList<>(2);
            exchange.getAttributes().put(ATTRIBUTE, observers);
        }
        observers.add(observer);
    }

    static void notifyAll(ServerWebExchange exchange, AttemptRecord record) {
        List<AttemptObserver> observers = exchange.getAttribute(ATTRIBUTE);
        if (observers != null) {
            for (AttemptObserver observer : observers) {
                observer.onAttempt(exchange, record);
            }
        }
    }
}
