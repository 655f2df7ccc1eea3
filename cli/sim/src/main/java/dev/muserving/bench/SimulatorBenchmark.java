package dev.muserving.bench;

import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.ProgressListener;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.bench.sim.Simulator;
import dev.muserving.bench.sim.SystemUnderTest;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * How fast the simulator runs and whether its memory grows with the run: simulated requests per
 * wall-clock second over repeated runs after warm-up, and the heap still in use (after a full
 * collection, with the simulator alive) for runs of increasing length.
 */
public final class SimulatorBenchmark {

    public record Result(
            String scenario,
            String system,
            Machine machine,
            List<Run> runs,
            double medianRequestsPerSecond,
            double bestRequestsPerSecond,
            List<Memory> memory) {}

    public record Machine(int cores, String java, String os, long maxHeapMiB) {}

    public record Run(long requests, double wallSeconds, double requestsPerSecond) {}

    public record Memory(double durationSeconds, long requests, int requestSlots, int eventSlots, double heapAfterGcMiB) {}

    private final LongSupplier nanoTime;

    public SimulatorBenchmark(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public Result run(Scenario scenario, SystemUnderTest system, int warmups, int repeats, List<Double> lengthFactors) {
        for (int i = 0; i < warmups; i++) {
            simulate(scenario, system);
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long started = nanoTime.getAsLong();
            RunResult result = simulate(scenario, system);
            double wall = (nanoTime.getAsLong() - started) / 1e9;
            long requests = requests(result);
            runs.add(new Run(requests, round(wall), Math.round(requests / wall)));
        }
        double[] rates = runs.stream().mapToDouble(Run::requestsPerSecond).sorted().toArray();
        List<Memory> memory = new ArrayList<>();
        for (double factor : lengthFactors) {
            Scenario longer = new Scenario(scenario.name(), scenario.durationSeconds() * factor, scenario.seed(),
                    scenario.cluster(), scenario.functions());
            memory.add(measureMemory(longer, system));
        }
        Runtime runtime = Runtime.getRuntime();
        Machine machine = new Machine(runtime.availableProcessors(), System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                runtime.maxMemory() / (1024 * 1024));
        return new Result(scenario.name(), system.name(), machine, runs, median(rates),
                Arrays.stream(rates).max().orElse(0), memory);
    }

    private Memory measureMemory(Scenario scenario, SystemUnderTest system) {
        Simulator simulator = new Simulator(scenario, system, ProgressListener.NONE);
        RunResult result = simulator.run();
        double heap = heapAfterGcMiB();
        // Keeps the simulator reachable until after the measurement, so its structures are counted.
        java.lang.ref.Reference.reachabilityFence(simulator);
        return new Memory(scenario.durationSeconds(), requests(result), result.footprint().requestSlots(),
                result.footprint().eventSlots(), heap);
    }

    private static RunResult simulate(Scenario scenario, SystemUnderTest system) {
        return new Simulator(scenario, system, ProgressListener.NONE).run();
    }

    private static long requests(RunResult result) {
        return result.functions().stream().mapToLong(f -> f.stats().requests()).sum();
    }

    private static double heapAfterGcMiB() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return round(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0));
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
