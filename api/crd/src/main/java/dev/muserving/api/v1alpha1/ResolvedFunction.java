package dev.muserving.api.v1alpha1;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A valid Function with every default applied, in the terms its users need: the policies'
 * {@link FunctionSpec}, and what the operator, the activator-lb, the queue-proxy and {@code mu local}
 * read. Made by {@link FunctionMapping}, the one place a Function resource is read.
 *
 * @param images the image of each allowed architecture ({@code images} first, else {@code image})
 * @param cpu one pod's CPU request as written ({@code 250m}), for Kubernetes
 * @param memory one pod's memory request as written ({@code 128Mi}), for Kubernetes; also its limit
 * @param localCommand how {@code mu local} runs it; empty when the Function says nothing
 * @param autoscaling the autoscaling policy its annotation names; empty for the host's default
 * @param routing the routing policy its annotation names; empty for the host's default
 */
public record ResolvedFunction(
        FunctionKey key,
        FunctionSpec spec,
        Map<Arch, String> images,
        int port,
        Map<String, String> env,
        String cpu,
        String memory,
        Duration timeout,
        List<String> localCommand,
        Optional<String> autoscaling,
        Optional<String> routing) {

    public ResolvedFunction {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(timeout, "timeout");
        Map<Arch, String> byArch = new EnumMap<>(Arch.class);
        byArch.putAll(images);
        images = Collections.unmodifiableMap(byArch);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        localCommand = List.copyOf(localCommand);
        Objects.requireNonNull(autoscaling, "autoscaling");
        Objects.requireNonNull(routing, "routing");
    }

    /** The same settings, routed by another policy (empty for the host's). */
    public ResolvedFunction withRouting(Optional<String> policy) {
        return new ResolvedFunction(key, spec, images, port, env, cpu, memory, timeout, localCommand, autoscaling, policy);
    }

    public int containerConcurrency() {
        return spec.containerConcurrency();
    }
}
