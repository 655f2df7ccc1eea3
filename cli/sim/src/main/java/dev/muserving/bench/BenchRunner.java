package dev.muserving.bench;

import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.Summaries;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.DecisionListener;
import dev.muserving.bench.sim.ProgressListener;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.bench.sim.Simulator;
import dev.muserving.bench.sim.SystemUnderTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/** Runs one scenario under several systems, one after another, and gathers the summary. */
public final class BenchRunner {

    private final LongSupplier nanoTime;
    private final Function<SystemUnderTest, ProgressListener> progress;
    private final DecisionListener decisions;

    /**
     * @param nanoTime the wall clock, only for {@code wallSeconds}; the simulation runs in virtual time
     * @param progress a listener per system, for the progress bar
     */
    public BenchRunner(LongSupplier nanoTime, Function<SystemUnderTest, ProgressListener> progress) {
        this(nanoTime, progress, DecisionListener.NONE);
    }

    /** @param decisions told every function's decision at every tick, of every system */
    public BenchRunner(LongSupplier nanoTime, Function<SystemUnderTest, ProgressListener> progress, DecisionListener decisions) {
        this.nanoTime = nanoTime;
        this.progress = progress;
        this.decisions = decisions;
    }

    public BenchSummary run(Scenario scenario, List<SystemUnderTest> systems) {
        long started = nanoTime.getAsLong();
        Map<String, BenchSummary.SystemSummary> results = new LinkedHashMap<>();
        for (SystemUnderTest system : systems) {
            RunResult run = new Simulator(scenario, system, progress.apply(system), decisions).run();
            results.put(system.name(), Summaries.of(run));
        }
        double wallSeconds = (nanoTime.getAsLong() - started) / 1e9;
        return new BenchSummary(scenario.name(), scenario.seed(), scenario.durationSeconds(),
                Math.round(wallSeconds * 1000) / 1000.0, results);
    }
}
