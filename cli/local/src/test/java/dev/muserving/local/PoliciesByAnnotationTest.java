package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.LatencyHistogram;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ScalingDecision;
import dev.muserving.autoscaler.policy.AutoscalingPolicies;
import dev.muserving.dataplane.ServerVertx;
import dev.muserving.dataplane.activator.FunctionRoute;
import dev.muserving.dataplane.activator.StaticEndpointSource;
import dev.muserving.placement.policy.MuPlacement;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Function's policy annotations in {@code mu local}, as on a cluster: the autoscaler and the
 * routing they name decide for that function whatever {@code --system} runs, and a change of
 * them takes over without replacing its pods. Functions at zero, so no process starts.
 */
class PoliciesByAnnotationTest {

    private static final String FUNCTION = """
            apiVersion: muserving.dev/v1alpha1
            kind: Function
            metadata:
              name: %s
              namespace: demo
              annotations: {%s}
            spec:
              image: ghcr.io/muserving/examples/echo:0.1.0
              scale: {min: 0, initial: 0}
              local:
                command: [mu-emulated-function, --service-ms=1]
            """;

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Vertx vertx = Vertx.vertx(ServerVertx.options());
    private final StaticEndpointSource endpoints = new StaticEndpointSource(List.of());
    private LocalControlPlane controlPlane;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (controlPlane != null) {
            controlPlane.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theAnnotationsChooseTheFunctionsOwnPoliciesAndAChangeKeepsItsPods() throws Exception {
        controlPlane = new LocalControlPlane(LocalNode.parse("amd64=1", 2000, 4096, LocalNode.DEFAULT_SPEED), new MuPlacement(),
                AutoscalingPolicies.byName("mu").orElseThrow(), new PodRunner(vertx, Clock.systemUTC(), dir), endpoints,
                Clock.systemUTC(), log::add);
        controlPlane.apply(load(
                FUNCTION.formatted("kpa", "autoscaling.muserving.dev/class: knative, routing.muserving.dev/class: linucb"),
                FUNCTION.formatted("plain", "")));
        controlPlane.startTicking();

        await("both decided").atMost(Duration.ofSeconds(20)).until(() -> decided("demo/kpa") && decided("demo/plain"));
        assertThat(reason("demo/kpa").orElseThrow()).as("the KPA decides").contains("stable window");
        assertThat(reason("demo/plain").orElseThrow()).as("--system's (Mu's) decides").matches(PoliciesByAnnotationTest::mus);
        assertThat(routing("demo/kpa")).contains("linucb");
        assertThat(routing("demo/plain")).isEmpty();
        assertThat(log).contains("demo/kpa: autoscaled by knative, routed by linucb (its annotations)");

        controlPlane.apply(load(FUNCTION.formatted("kpa", ""), FUNCTION.formatted("plain", "")));
        await("Mu's autoscaler takes over").atMost(Duration.ofSeconds(20))
                .until(() -> decided("demo/kpa") && mus(reason("demo/kpa").orElseThrow()));
        assertThat(routing("demo/kpa")).isEmpty();
        assertThat(log).contains("demo/kpa: now autoscaled by --system's policy, routed by --system's policy")
                .noneMatch(line -> line.contains("replacing its pods"));
    }

    /**
     * Reports a second without traffic, as the activator-lb does every second (the loop makes a
     * function's policy at its first snapshot once the function is known), and says whether a
     * decision was made.
     */
    private boolean decided(String function) {
        controlPlane.record(new MetricSnapshot(function, Instant.now(), Duration.ofSeconds(1), 0, 0, 0, 0, List.of(), LatencyHistogram.of(Map.of())));
        return reason(function).isPresent();
    }

    /** Mu's autoscaler's reasons, which the KPA's never read like. */
    private static boolean mus(String reason) {
        return reason.startsWith("no request yet") || reason.matches(".* \\(\\d+ to keep up[,)].*");
    }

    private Optional<String> reason(String function) {
        return controlPlane.lastDecision(function).map(ScalingDecision::reason);
    }

    private Optional<String> routing(String function) {
        return endpoints.routes().stream().filter(r -> r.key().toString().equals(function)).findFirst().orElseThrow().routing();
    }

    private List<LocalFunction> load(String... documents) throws IOException {
        Path file = dir.resolve("functions.yaml");
        Files.writeString(file, String.join("---\n", documents));
        return new FunctionWatcher(List.of(file), fns -> { }, log::add).load();
    }
}
