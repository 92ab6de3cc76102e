package dev.geminigateway.simulator;

import java.nio.file.Path;

/**
 * Command line: {@code java -jar gemini-simulator.jar [--port 8089] [--host 0.0.0.0] [--config sim.yml]
 * [--time-scale 60]}. Options given on the command line win over the config file.
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        SimulatorConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (config == null) {
            System.out.println(usage());
            return;
        }
        GeminiSimulator simulator = GeminiSimulator.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close, "gemini-simulator-shutdown"));
        System.out.println("Gemini simulator on " + simulator.baseUrl());
        simulator.awaitClose();
    }

    /** The configuration the arguments describe; null for --help. Defaults: port 8089, host 0.0.0.0. */
    public static SimulatorConfig parse(String... args) throws java.io.IOException {
        Integer port = null;
        String host = null;
        Path file = null;
        Double scale = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                return null;
            }
            if (value == null) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + name);
                value = args[++i];
            }
            switch (name) {
                case "--port", "-port" -> port = Integer.parseInt(value);
                case "--host" -> host = value;
                case "--config" -> file = Path.of(value);
                case "--time-scale" -> scale = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        SimulatorConfig config = file != null ? SimulatorConfig.load(file) : SimulatorConfig.defaults().port(8089);
        if (file == null || host != null) config.host(host != null ? host : "0.0.0.0");
        if (port != null) config.port(port);
        if (scale != null) config.timeScale(scale);
        return config;
    }

    static String usage() {
        return "usage: java -jar gemini-simulator.jar [--port 8089] [--host 0.0.0.0] [--config sim.yml]"
                + " [--time-scale 60]";
    }
}
