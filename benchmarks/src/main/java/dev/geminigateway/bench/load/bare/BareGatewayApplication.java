package dev.geminigateway.bench.load.bare;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Baseline (b) of the load benchmarks: Spring Cloud Gateway alone, with one route to the simulator and none of our
 * filters, built by benchmarks/scripts/bare-gateway/pom.xml from spring-cloud-starter-gateway-server-webflux only,
 * so that nothing of the starter (auto-configurations, web filters, security) is on its class path. Its route is
 * given on the command line by run-all.sh.
 */
@SpringBootApplication
public class BareGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(BareGatewayApplication.class, args);
    }
}
