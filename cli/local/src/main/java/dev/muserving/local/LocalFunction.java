package dev.muserving.local;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Function as {@code mu local} runs it: what the policies see ({@link #spec()}, named
 * {@code <namespace>/<name>} as the activator names it), how to start one of its pods, where it
 * was read from, and the policies its annotations choose.
 */
public record LocalFunction(
        FunctionKey key,
        String source,
        FunctionSpec spec,
        Launch launch,
        Map<String, String> env,
        Duration timeout,
        Policies policies) {

    public LocalFunction {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(launch, "launch");
        Objects.requireNonNull(policies, "policies");
        env = Map.copyOf(env);
    }

    /** One that leaves the policies to {@code mu local --system}. */
    public LocalFunction(FunctionKey key, String source, FunctionSpec spec, Launch launch, Map<String, String> env, Duration timeout) {
        this(key, source, spec, launch, env, timeout, Policies.SYSTEM);
    }

    /**
     * The autoscaling and routing policies by name, as {@code autoscaling.muserving.dev/class} and
     * {@code routing.muserving.dev/class} choose them; empty: {@code --system}'s.
     */
    public record Policies(Optional<String> autoscaling, Optional<String> routing) {
        public static final Policies SYSTEM = new Policies(Optional.empty(), Optional.empty());

        @Override
        public String toString() {
            return "autoscaled by " + autoscaling.orElse("--system's policy") + ", routed by " + routing.orElse("--system's policy");
        }
    }

    /**
     * Whether the two run the same pods (where each was read, such as a moved line, does not matter,
     * nor do the policies: a new one takes over from the count the old one reached).
     */
    public boolean runsLike(LocalFunction other) {
        return other != null && key.equals(other.key) && spec.equals(other.spec) && launch.equals(other.launch) && env.equals(other.env)
                && timeout.equals(other.timeout);
    }

    /** How a pod's function process starts. */
    public sealed interface Launch {}

    /**
     * The built-in emulated function ({@code local.command: [mu-emulated-function, --cpu-ms=N,
     * --service-ms=N]}): each request burns {@code cpuMillis} of CPU, then waits {@code serviceMillis}
     * (I/O); on a slower node the CPU part stretches by the node's speed factor.
     */
    public record Emulated(double serviceMillis, double cpuMillis) implements Launch {}

    /**
     * A function of a {@code mu bench} scenario: log-normal service times per architecture, at most
     * {@code parallelism} requests served at once per pod; seeded per pod from {@code seed}.
     */
    public record Modelled(Map<Arch, Spread> serviceMillis, int parallelism, long seed) implements Launch {
        public Modelled {
            serviceMillis = Map.copyOf(serviceMillis);
        }
    }

    /** A log-normal time by its median and p99. */
    public record Spread(double median, double p99) {}

    /** Any program that serves HTTP on {@code $PORT}. */
    public record Command(List<String> argv) implements Launch {
        public Command {
            argv = List.copyOf(argv);
        }
    }
}
