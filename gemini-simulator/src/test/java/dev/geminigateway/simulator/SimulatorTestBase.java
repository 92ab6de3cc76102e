package dev.geminigateway.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One simulator per test class, started on a free port, with a small HTTP client for it. */
abstract class SimulatorTestBase {

    static GeminiSimulator sim;
    static SimHttp http;

    @BeforeAll
    static void start() {
        sim = GeminiSimulator.start();
        http = new SimHttp(sim.baseUrl());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }
}
