package dev.muserving.dataplane.activator;

import dev.muserving.api.Arch;
import java.util.Objects;

/** One ready pod of a function: where its queue-proxy listens and what it runs on. */
public record Endpoint(String pod, String host, int port, Arch arch) {

    public Endpoint {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(arch, "arch");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("endpoint " + pod + ": port must be 1-65535, got " + port);
        }
    }
}
