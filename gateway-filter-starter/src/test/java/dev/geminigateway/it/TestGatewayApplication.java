package dev.geminigateway.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A bare Spring Cloud Gateway with the starter on its classpath, for integration tests. */
@SpringBootApplication
public class TestGatewayApplication {
}
