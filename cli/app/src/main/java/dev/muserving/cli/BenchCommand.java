package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import dev.muserving.bench.BenchRunner;
import dev.muserving.bench.Systems;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.ComparisonTable;
import dev.muserving.bench.report.Summaries;
import dev.muserving.bench.report.SummaryFiles;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.SystemUnderTest;
import dev.muserving.emulate.Emulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @Option(names = "--mode", defaultValue = "simulate",
            description = "simulate (virtual time, any length) or emulate (real time through mu local: the real activator-lb, "
                    + "queue-proxies and pods as processes; systems mu and knative) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--emulate-seconds", defaultValue = "120",
            description = "With --mode emulate, replay at most this much of the scenario, in real time (default: ${DEFAULT-VALUE}).")
    double emulateSeconds;

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
        boolean emulate = switch (mode) {
            case "simulate" -> false;
            case "emulate" -> true;
            default -> throw new BadInputException("--mode must be simulate or emulate, got '" + mode + "'");
        };
        if (emulate && !(emulateSeconds > 0)) {
            throw new BadInputException("--emulate-seconds must be above zero, got " + emulateSeconds);
        }
        List<String> names = systems != null ? systems : emulate ? List.of(Systems.KNATIVE, Systems.MU) : Systems.names();
        List<SystemUnderTest> chosen = Systems.resolve(names);
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
        BenchSummary summary;
        if (emulate) {
            summary = emulate(scenario, chosen, err);
        } else {
            boolean terminal = System.console() != null;
            BenchRunner runner = new BenchRunner(System::nanoTime, system -> noProgress
                    ? dev.muserving.bench.sim.ProgressListener.NONE
                    : new ProgressBar(err, system.name(), terminal, System::nanoTime));
            summary = runner.run(scenario, chosen);
        }
        out.print(ComparisonTable.render(summary));
        out.printf(Locale.ROOT, "(%.1f s of wall time)%n", summary.wallSeconds());
        if (this.out != null) {
            SummaryFiles.write(this.out, summary);
            out.println("wrote " + this.out.resolve(SummaryFiles.SUMMARY) + " and " + this.out.resolve(SummaryFiles.FUNCTIONS_CSV));
        }
        out.flush();
        return 0;
    }

    /** Each system in turn through mu local, in real time; pods' logs go to a new temporary directory. */
    private BenchSummary emulate(Scenario scenario, List<SystemUnderTest> chosen, PrintWriter err) {
        long started = System.nanoTime();
        Map<String, BenchSummary.SystemSummary> results = new LinkedHashMap<>();
        double seconds = Math.min(scenario.durationSeconds(), emulateSeconds);
        try {
            Path logs = Files.createTempDirectory("mu-emulate-");
            for (SystemUnderTest system : chosen) {
                err.printf(Locale.ROOT, "mu bench: emulating %s for %.0f s in real time (pod logs in %s)%n", system.name(), seconds, logs);
                Emulator emulator = new Emulator(scenario, system.name(), emulateSeconds, logs.resolve(system.name()), line -> {
                    if (!noProgress) {
                        err.println("mu bench: " + line);
                    }
                });
                results.put(system.name(), Summaries.of(emulator.run()));
            }
        } catch (BadInputException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("emulation failed: " + e.getMessage(), e);
        }
        double wall = (System.nanoTime() - started) / 1e9;
        return new BenchSummary(scenario.name(), scenario.seed(), seconds, Math.round(wall * 1000) / 1000.0, results);
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
