package dev.muserving.cli;

import dev.muserving.bench.BadInputException;
import dev.muserving.bench.BenchRunner;
import dev.muserving.bench.Systems;
import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.ComparisonTable;
import dev.muserving.bench.report.SummaryFiles;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.scenario.ScenarioLoader;
import dev.muserving.bench.sim.SystemUnderTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mu bench}: replays a workload under several systems and compares them. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a scenario in the simulator under each system and prints them side by side.",
            "Scenario schema and the meaning of every number: docs/bench.md."
        })
final class BenchCommand implements Callable<Integer> {

    static final String QUICK_SCENARIO = "/dev/muserving/bench/quick.yaml";

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Workload workload;

    static final class Workload {
        @Option(names = "--scenario", paramLabel = "FILE", description = "Scenario YAML to replay.")
        Path scenario;

        @Option(names = "--quick", description = "Replay the small built-in scenario (a few seconds).")
        boolean quick;
    }

    @Option(names = "--seed", paramLabel = "N", description = "Seed to use instead of the scenario's.")
    Long seed;

    @Option(names = "--systems", split = ",", paramLabel = "NAME",
            description = "Systems to compare, comma-separated (default: all). Known: ${COMPLETION-CANDIDATES}",
            completionCandidates = SystemNames.class)
    List<String> systems;

    @Option(names = "--out", paramLabel = "DIR", description = "Write summary.json and functions.csv here.")
    Path out;

    @Option(names = "--strict", description = "Stop at the first bad trace line instead of skipping it.")
    boolean strict;

    @Option(names = "--no-progress", description = "Do not draw the progress bar.")
    boolean noProgress;

    static final class SystemNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Systems.names().iterator();
        }
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        var out = spec.commandLine().getOut();
        List<SystemUnderTest> chosen = Systems.resolve(systems == null ? Systems.names() : systems);
        ScenarioLoader loader = new ScenarioLoader(
                strict ? ScenarioLoader.StrictMode.STRICT : ScenarioLoader.StrictMode.LENIENT,
                warning -> err.println("mu: warning: " + warning));
        Scenario scenario = workload.quick ? quickScenario(loader) : loader.load(workload.scenario);
        if (seed != null) {
            scenario = scenario.withSeed(seed);
        }
        err.printf(Locale.ROOT, "mu bench: %s, %d functions, %.0f rps offered, %.0f s, seed %d, systems %s%n",
                scenario.name(), scenario.functions().size(), scenario.offeredRps(), scenario.durationSeconds(),
                scenario.seed(), chosen.stream().map(SystemUnderTest::name).toList());
        boolean terminal = System.console() != null;
        BenchRunner runner = new BenchRunner(System::nanoTime, system -> noProgress
                ? dev.muserving.bench.sim.ProgressListener.NONE
                : new ProgressBar(err, system.name(), terminal, System::nanoTime));
        BenchSummary summary = runner.run(scenario, chosen);
        out.print(ComparisonTable.render(summary));
        out.printf(Locale.ROOT, "(%.1f s of wall time)%n", summary.wallSeconds());
        if (this.out != null) {
            SummaryFiles.write(this.out, summary);
            out.println("wrote " + this.out.resolve(SummaryFiles.SUMMARY) + " and " + this.out.resolve(SummaryFiles.FUNCTIONS_CSV));
        }
        out.flush();
        return 0;
    }

    static Scenario quickScenario(ScenarioLoader loader) {
        try (InputStream in = BenchCommand.class.getResourceAsStream(QUICK_SCENARIO)) {
            if (in == null) {
                throw new IllegalStateException("the built-in quick scenario is missing from the jar");
            }
            return loader.parse("quick.yaml (built in)", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BadInputException("cannot read the built-in scenario: " + e.getMessage(), e);
        }
    }
}
