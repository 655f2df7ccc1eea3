package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.testing.Repository;
import dev.muserving.load.LoadGenerator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mu's autoscaler and placement at work in {@code mu local} on the shipped webhook example, under
 * open-loop load: 100 ms per request and two at once per pod, so 45 requests a second need three
 * pods; it starts at zero and goes back to zero 20 s after its last request.
 */
class LocalScalingTest {

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private LocalSystem system;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    private void start() throws Exception {
        List<LocalFunction> functions = new FunctionWatcher(List.of(Repository.path("examples", "burst.yaml")), fns -> { }, log::add).load();
        system = LocalSystem.start("127.0.0.1", 0, 0, LocalNode.parse("amd64=2,arm64=2", 2000, 4096, LocalNode.DEFAULT_SPEED),
                Files.createDirectories(dir.resolve("logs")), functions, log::add);
        assertThat(system.podCounts()).as("the webhook starts at zero").isEmpty();
    }

    private int ready() {
        LocalSystem.PodCounts counts = system.podCounts().get("demo/webhook");
        return counts == null ? 0 : counts.ready();
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + system.port() + "/fn/demo/webhook");
    }

    @Test
    void loadScalesTheFunctionUpAndIdlenessTakesItToZero() throws Exception {
        start();
        AtomicInteger mostReady = new AtomicInteger();
        LoadGenerator.Window total;
        try (LoadGenerator load = new LoadGenerator()) {
            total = load.run(url(), 45, Duration.ofSeconds(20), Duration.ofSeconds(30), null, 7,
                    second -> mostReady.accumulateAndGet(ready(), Math::max));
        }
        assertThat(mostReady.get()).as("most ready pods under load").isGreaterThanOrEqualTo(3);
        assertThat(total.errors()).isZero();
        assertThat(total.ok()).isEqualTo(total.sent());

        await("scale to zero after idle").atMost(Duration.ofSeconds(90)).until(() -> !system.podCounts().containsKey("demo/webhook"));
        assertThat(system.processIds()).isEmpty();
        assertThat(log).as("each pod stopped is said, with why").anyMatch(line -> line.matches("webhook-\\w+-\\d+: stopping "
                + "\\(demo/webhook scales down to 0: no request for \\d+s → 0\\)"));
    }

    @Test
    void aKilledPodUnderLoadIsReplacedAndOnlyRequestsAlreadyInItFail() throws Exception {
        start();
        try (LoadGenerator load = new LoadGenerator()) {
            CompletableFuture<LoadGenerator.Window> running = CompletableFuture.supplyAsync(() ->
                    load.run(url(), 45, Duration.ofSeconds(20), Duration.ofSeconds(30), null, 11, second -> { }));
            await("three pods").atMost(Duration.ofSeconds(30)).until(() -> ready() >= 3);
            LocalPod victim = system.pods().stream().filter(p -> p.phase == dev.muserving.api.PodPhase.READY).findFirst().orElseThrow();
            victim.process.kill();
            LoadGenerator.Window total = running.get();

            long failed = total.errors() + (total.sent() - total.ok());
            // at most the requests in the function and those queued in its queue-proxy (2 slots, 20 waiting)
            assertThat(failed).as("requests lost of %d", total.sent()).isLessThanOrEqualTo(2 + 20);
            assertThat(log).anyMatch(line -> line.startsWith(victim.name + ": the function process exited (killed by signal 9)"));
            assertThat(system.pods()).doesNotContain(victim);
            System.out.println("LocalScalingTest: killed " + victim.name + "; " + failed + " of " + total.sent() + " requests failed");
        }
    }
}
