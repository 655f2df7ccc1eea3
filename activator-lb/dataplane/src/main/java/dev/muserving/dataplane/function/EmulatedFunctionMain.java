package dev.muserving.dataplane.function;

import dev.muserving.api.Arch;
import dev.muserving.dataplane.ConfigException;
import dev.muserving.dataplane.ServerVertx;
import dev.muserving.dataplane.Settings;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@link EmulatedFunction} as its own process, set through the environment: {@code PORT} (default
 * 8080, 0 for any), {@code MU_FUNCTION_NAME}, {@code MU_SERVICE_MS} (the median when
 * {@code MU_SERVICE_P99_MS} spreads it log-normally, drawn with {@code MU_SEED}), {@code MU_CPU_MS}
 * (CPU time on a node of speed 1), {@code MU_NODE_SPEED} (the node's speed: 0.6 stretches the CPU
 * part by 1 / 0.6, as on a slower arm64 node; set by {@code mu local} and the test node agent),
 * {@code MU_PARALLELISM} (default: no limit). The first line on standard output names the port.
 *
 * <p>{@code MU_SERVICE_MS_<ARCH>} and {@code MU_SERVICE_P99_MS_<ARCH>} (ARCH AMD64 or ARM64), when
 * set, take the place of the two above on that architecture: one Function, whose pods run on both,
 * answers as a scenario says for each. On SIGTERM it serves what it holds before it exits, at most
 * {@code MU_DRAIN_SECONDS} (default 30; 0 exits at once, as a careless function does). The architecture is {@code MU_NODE_ARCH} (the test node agent
 * sets it: its processes all run on this machine's CPU), else the JVM's own.
 */
public final class EmulatedFunctionMain {

    private EmulatedFunctionMain() {}


    public static void main(String[] args) throws Exception {
        Settings s = new Settings(System.getenv());
        EmulatedFunction function;
        Duration drainSeconds;
        try {
            drainSeconds = s.secondsOrZero("MU_DRAIN_SECONDS", Duration.ofSeconds(30));
            Arch nodeArch = s.arch("MU_NODE_ARCH", Settings.hostArch());
            String arch = "_" + nodeArch.label().toUpperCase(Locale.ROOT);
            double median = s.millis("MU_SERVICE_MS" + arch, s.millis("MU_SERVICE_MS", 0));
            double p99 = s.millis("MU_SERVICE_P99_MS" + arch, s.millis("MU_SERVICE_P99_MS", median));
            ServiceTime serviceTime;
            try {
                serviceTime = p99 > median ? ServiceTime.logNormal(median, p99, s.integer("MU_SEED", 1, 0, Integer.MAX_VALUE))
                        : ServiceTime.fixed(median);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("MU_SERVICE_MS and MU_SERVICE_P99_MS: " + e.getMessage());
            }
            function = new EmulatedFunction(
                    s.string("MU_FUNCTION_NAME", "function"),
                    s.integer("PORT", 8080, 0, 65_535),
                    serviceTime,
                    s.millis("MU_CPU_MS", 0) / s.factor("MU_NODE_SPEED", 1.0),
                    s.integer("MU_PARALLELISM", Integer.MAX_VALUE, 1, Integer.MAX_VALUE),
                    nodeArch);
        } catch (ConfigException e) {
            System.err.println("mu function: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx(ServerVertx.options(1));
        vertx.deployVerticle(function).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("mu function: listening on 127.0.0.1:" + function.port());
        System.out.flush();
        if (!drainSeconds.isZero()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    function.drain(drainSeconds).toCompletionStage().toCompletableFuture().get(drainSeconds.toSeconds() + 5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("mu function: shutdown: " + e);
                }
            }, "mu-function-drain"));
        }
    }
}
