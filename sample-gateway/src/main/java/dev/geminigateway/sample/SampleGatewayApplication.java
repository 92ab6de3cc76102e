package dev.geminigateway.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SampleGatewayApplication {

    public static void main(String[] args) {
        oneEventLoopPerCpu();
        SpringApplication.run(SampleGatewayApplication.class, args);
    }

    /**
     * Reactor Netty runs max(CPUs, 4) event loops; on the one or two CPUs a gateway container usually gets, four
     * loops contend for them (the largest gain the load benchmarks measured). The JVM counts the container's CPU
     * limit. An explicit {@code -Dreactor.netty.ioWorkerCount} wins.
     */
    static void oneEventLoopPerCpu() {
        if (System.getProperty("reactor.netty.ioWorkerCount") == null) {
            System.setProperty("reactor.netty.ioWorkerCount",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
    }
}
