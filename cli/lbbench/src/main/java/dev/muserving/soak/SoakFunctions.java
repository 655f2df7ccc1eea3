package dev.muserving.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The soak's Functions and the mix of requests they get. Three shapes a user runs: a fast echo
 * with many at once, a slower function four at a time, and a webhook that scales to zero between
 * bursts (so every burst starts a pod). Bodies from none to 2 MiB: the largest is past the
 * activator's 1 MiB retry buffer, so it streams to its pod instead of being held whole.
 */
final class SoakFunctions {

    static final List<MixedLoad.Kind> KINDS = List.of(
            new MixedLoad.Kind("echo", "/fn/soak/echo/", 0, 0.30, false),
            new MixedLoad.Kind("echo", "/fn/soak/echo/", 1024, 0.20, false),
            new MixedLoad.Kind("echo", "/fn/soak/echo/", 2 * 1024 * 1024, 0.002, false),
            new MixedLoad.Kind("work", "/fn/soak/work/", 0, 0.15, false),
            new MixedLoad.Kind("work", "/fn/soak/work/", 16 * 1024, 0.20, false),
            new MixedLoad.Kind("webhook", "/fn/soak/webhook/", 256, 0.15, true));

    /** Functions with a pod at all times, which must answer before the soak begins. */
    static final List<String> ALWAYS_ON = List.of("/fn/soak/echo/", "/fn/soak/work/");

    /** Function processes at the minimum scales {@link #write} gives: the state both readings wait for. */
    static final Map<String, Integer> AT_REST = Map.of("echo", 1, "work", 1);

    private SoakFunctions() {}

    /** Writes the three Function files into {@code dir}; returns it. */
    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("echo.yaml"), function("echo", 16, "100m", "64Mi", "{min: 1, max: 4}", 2));
        Files.writeString(dir.resolve("work.yaml"), function("work", 4, "250m", "96Mi", "{min: 1, max: 6}", 50));
        Files.writeString(dir.resolve("webhook.yaml"), function("webhook", 2, "250m", "96Mi",
                "{min: 0, max: 4, initial: 0, scaleToZeroAfter: 20s}", 100));
        return dir;
    }

    private static String function(String name, int concurrency, String cpu, String memory, String scale, int serviceMillis) {
        return """
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: %1$s, namespace: soak}
                spec:
                  image: example.com/soak/%1$s:1
                  containerConcurrency: %2$d
                  resources: {cpu: %3$s, memory: %4$s}
                  scale: %5$s
                  local:
                    command: [mu-emulated-function, --service-ms=%6$d]
                """.formatted(name, concurrency, cpu, memory, scale, serviceMillis);
    }
}
