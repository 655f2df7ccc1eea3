package dev.muserving.emulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.Summaries;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.FunctionStats;
import dev.muserving.bench.sim.ProgressListener;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.bench.sim.Simulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small scenario replayed through mu local in real time, measured like the simulator's runs. */
class EmulatorTest {

    private static final String SCENARIO = """
            name: tiny
            durationSeconds: 60
            seed: 3
            cluster:
              podStartupSeconds: {median: 1, p99: 2}
              nodes:
                - {count: 1, arch: amd64, cpu: 4, memoryMiB: 8192}
                - {count: 1, arch: arm64, cpu: 4, memoryMiB: 8192}
            functions:
              - name: echo
                arrival: {type: poisson, rps: 20}
                serviceTimeMs: {amd64: {median: 10, p99: 40}, arm64: {median: 15, p99: 60}}
                cpu: 250m
                memoryMiB: 128
                containerConcurrency: 4
                sloP99Ms: 500
              - name: slow
                arrival: {type: periodic, rps: 2}
                serviceTimeMs: {amd64: {median: 200, p99: 200}}
                cpu: 500m
                memoryMiB: 128
                containerConcurrency: 1
                sloP99Ms: 1000
                architectures: [amd64]
            """;

    @Test
    void aScenarioReplayedInRealTimeIsMeasuredLikeASimulation(@TempDir Path logs) throws Exception {
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, w -> { }).parse("tiny.yaml", SCENARIO);
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        RunResult run = new Emulator(scenario, "mu", 10, logs, progress::add).run();

        assertThat(run.system()).isEqualTo("mu");
        assertThat(run.simulatedSeconds()).isEqualTo(10);
        FunctionStats echo = run.functions().get(0).stats();
        FunctionStats slow = run.functions().get(1).stats();
        // 20 rps and 2 rps for 10 s
        assertThat(echo.requests()).isBetween(120L, 300L);
        assertThat(slow.requests()).isBetween(15L, 25L);
        for (FunctionStats stats : List.of(echo, slow)) {
            assertThat(stats.dropped()).isZero();
            assertThat(stats.completed()).isEqualTo(stats.requests());
            // each answer says where it ran, so requests are counted per architecture as the simulator counts them
            assertThat(stats.served(Arch.AMD64) + stats.served(Arch.ARM64)).isEqualTo(stats.completed());
            assertThat(stats.podSeconds()).isGreaterThan(5);
        }
        assertThat(slow.served(Arch.ARM64)).as("slow runs on amd64 only").isZero();
        // the pods wait their service time: the slow function's requests take at least 200 ms
        assertThat(slow.latencyMicros().getMinValue()).isGreaterThanOrEqualTo(200_000);
        assertThat(progress).contains("replay: waiting for 2 functions' first pods");

        // the simulator, over the same 10 s, replays the very same arrivals
        Scenario firstTenSeconds = new Scenario(scenario.name(), 10, scenario.seed(), scenario.cluster(), scenario.functions());
        BenchSummary.SystemSummary emulated = Summaries.of(run);
        BenchSummary.SystemSummary simulated = Summaries.of(new Simulator(firstTenSeconds, dev.muserving.bench.Systems.resolve(List.of("mu")).get(0),
                ProgressListener.NONE).run());
        assertThat(emulated.functions()).extracting(f -> f.name() + " " + f.requests())
                .isEqualTo(simulated.functions().stream().map(f -> f.name() + " " + f.requests()).toList());
    }

    /** Found by an outside probe: emulation waited 120 s for its first pod and failed, where the simulator drops its requests. */
    @Test
    void aFunctionNoNodeCanHoldIsReplayedWithItsRequestsDroppedAsInTheSimulator(@TempDir Path logs) throws Exception {
        List<String> warnings = new ArrayList<>();
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.LENIENT, warnings::add).parse("tiny.yaml",
                SCENARIO.replace("cpu: 500m", "cpu: 5000m"));
        assertThat(warnings).singleElement().asString().contains("function 'slow' (5000 m CPU, 128 MiB, on amd64) fits no node");
        RunResult run = new Emulator(scenario, "mu", 3, logs, line -> { }).run();

        FunctionStats echo = run.functions().get(0).stats();
        FunctionStats slow = run.functions().get(1).stats();
        assertThat(echo.dropped()).isZero();
        assertThat(echo.completed()).isEqualTo(echo.requests()).isPositive();
        assertThat(slow.requests()).isPositive();
        assertThat(slow.completed()).isZero();
    }

    /** Found by an outside probe: a minScale above what the nodes hold waited out the first-pods timeout. */
    @Test
    void aMinScaleAboveWhatTheNodesHoldIsReplayedWithThePodsThatFit(@TempDir Path logs) throws Exception {
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, w -> { }).parse("tiny.yaml",
                SCENARIO.replace("architectures: [amd64]", "architectures: [amd64]\n    minScale: 12"));
        assertThat(scenario.functions().get(1).spec().startingReplicas()).as("12 pods of 500m on one 4-core amd64 node").isEqualTo(12);
        List<String> progress = Collections.synchronizedList(new ArrayList<>());
        RunResult run = new Emulator(scenario, "mu", 3, logs, progress::add).run();

        assertThat(progress).anyMatch(line -> line.startsWith("replay: the cluster holds no more first pods of bench/slow (")
                && line.contains(" of 12 ready)")
                && line.endsWith("; replaying with the pods that run, as the simulator does"));
        FunctionStats slow = run.functions().get(1).stats();
        assertThat(slow.completed()).isEqualTo(slow.requests()).isPositive();
    }

    @Test
    void anUnknownSystemIsBadInputBeforeAnythingStarts(@TempDir Path logs) {
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, w -> { }).parse("tiny.yaml", SCENARIO);
        assertThatThrownBy(() -> new Emulator(scenario, "mu-fast", 10, logs, line -> { }))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("--system must be one of [knative, mu, mu-burst,")
                .hasMessageEndingWith("got 'mu-fast'");
    }
}
