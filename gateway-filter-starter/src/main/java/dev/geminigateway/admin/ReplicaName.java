package dev.geminigateway.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The name an operator knows this replica by: {@code HOSTNAME} (the pod name on Kubernetes), else the host name
 * the JVM reports. Read once: runtime-added keys live on one replica only, and the admin answers name it.
 */
final class ReplicaName {

    private ReplicaName() {
    }

    static String local() {
        String hostname = System.getenv("HOSTNAME");
        if (hostname != null && !hostname.isBlank()) {
            return hostname.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
