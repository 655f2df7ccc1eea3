package dev.muserving.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.muserving.api.BadInputException;
import dev.muserving.bench.SimulatorBenchmark;
import dev.muserving.bench.Systems;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.scenario.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mu sim-benchmark}: the simulator's own speed and memory, for docs/bench.md. */
@Command(
        name = "sim-benchmark",
        mixinStandardHelpOptions = true,
        description = "Measures simulated requests per wall-clock second and the simulator's memory over run length.")
final class SimBenchmarkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", paramLabel = "FILE", defaultValue = "deploy/scenarios/azure-sample.yaml",
            description = "Scenario to run (default: ${DEFAULT-VALUE}).")
    Path scenario;

    @Option(names = "--system", paramLabel = "NAME", defaultValue = Systems.KNATIVE, description = "System to run (default: ${DEFAULT-VALUE}).")
    String system;

    @Option(names = "--warmups", defaultValue = "2", description = "Runs before measuring, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--repeats", defaultValue = "5", description = "Measured runs (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--lengths", split = ",", defaultValue = "1,4", paramLabel = "FACTOR",
            description = "Run lengths, as multiples of the scenario's, whose memory is measured (default: ${DEFAULT-VALUE}).")
    List<Double> lengths;

    @Option(names = "--out", paramLabel = "DIR", description = "Write sim-benchmark.json here.")
    Path out;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        var stdout = spec.commandLine().getOut();
        if (warmups < 0 || repeats < 1) {
            throw new BadInputException("--warmups must be at least 0 and --repeats at least 1, got " + warmups + " and " + repeats);
        }
        if (out != null) {
            OutputDirectory.create("--out", out); // before the runs, not after them
        }
        lengths.stream().filter(factor -> !(factor > 0)).findFirst().ifPresent(factor -> {
            throw new BadInputException("--lengths must be above zero, got " + factor);
        });
        var chosen = Systems.get(system); // an unknown name is refused before anything is printed
        Scenario loaded = new ScenarioLoader(ScenarioLoader.StrictMode.LENIENT, w -> err.println("mu: warning: " + w)).load(scenario);
        err.printf(Locale.ROOT, "mu sim-benchmark: %s under %s, %d warm-ups, %d runs, lengths %s%n",
                loaded.name(), system, warmups, repeats, lengths);
        SimulatorBenchmark.Result result = new SimulatorBenchmark(System::nanoTime)
                .run(loaded, chosen, warmups, repeats, lengths);
        for (SimulatorBenchmark.Run run : result.runs()) {
            stdout.printf(Locale.ROOT, "  %,d requests in %.3f s: %,.0f requests/s%n", run.requests(), run.wallSeconds(), run.requestsPerSecond());
        }
        stdout.printf(Locale.ROOT, "median %,.0f requests/s, best %,.0f requests/s%n",
                result.medianRequestsPerSecond(), result.bestRequestsPerSecond());
        for (SimulatorBenchmark.Memory m : result.memory()) {
            stdout.printf(Locale.ROOT, "  %,.0f s simulated, %,d requests: %,d request slots, %,d event slots, %.1f MiB heap after GC%n",
                    m.durationSeconds(), m.requests(), m.requestSlots(), m.eventSlots(), m.heapAfterGcMiB());
        }
        if (out != null) {
            try {
                Files.createDirectories(out);
                Path file = out.resolve("sim-benchmark.json");
                Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result) + "\n");
                stdout.println("wrote " + file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        stdout.flush();
        return 0;
    }
}
