package dev.muserving.bench;

import dev.muserving.api.BadInputException;
import dev.muserving.bench.family.ScenarioFamily;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.input.ScenarioWriter;
import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.FamilySummary;
import dev.muserving.bench.report.Summaries;
import dev.muserving.bench.report.SummaryFiles;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.SystemUnderTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mu bench --family N}: generates the family's scenarios, runs every system on each and sums
 * the ratios to the baseline up. Each scenario is run as read back from the file it is written to,
 * so that {@code scenarios/<name>.yaml} replays exactly what was measured.
 */
public final class FamilyRunner {

    /** Told after each scenario, for progress output. */
    public interface Listener {
        void scenarioDone(int done, int count, ScenarioFamily.Member member, BenchSummary summary);
    }

    private final BenchRunner runner;
    private final ScenarioLoader loader;
    private final Path out;
    private final Listener listener;

    /** @param out where scenarios/ goes (each scenario's YAML and summary), or null for nowhere */
    public FamilyRunner(BenchRunner runner, ScenarioLoader loader, Path out, Listener listener) {
        this.runner = runner;
        this.loader = loader;
        this.out = out;
        this.listener = listener;
    }

    /** A family compares systems with the baseline: it must be among them, with at least one more. */
    public static void requireComparable(List<SystemUnderTest> systems, String baseline) {
        if (systems.stream().noneMatch(s -> s.name().equals(baseline))) {
            throw new BadInputException("--family compares every system with " + baseline + "; add it to --systems");
        }
        if (systems.size() < 2) {
            throw new BadInputException("--family compares other systems with " + baseline + "; name at least one more in --systems");
        }
    }

    public FamilySummary run(long familySeed, int count, List<SystemUnderTest> systems, String baseline) {
        requireComparable(systems, baseline);
        List<FamilySummary.ScenarioResult> results = new ArrayList<>();
        for (ScenarioFamily.Member member : ScenarioFamily.generate(familySeed, count)) {
            Scenario drawn = member.scenario();
            String yaml = ScenarioWriter.write(drawn, describe(familySeed, member));
            Scenario scenario = loader.parse(drawn.name() + ".yaml", yaml);
            BenchSummary summary = runner.run(scenario, systems);
            if (out != null) {
                save(yaml, summary);
            }
            Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
            summary.systems().forEach((system, s) -> figures.put(system, FamilySummary.figures(s)));
            results.add(new FamilySummary.ScenarioResult(scenario.name(), scenario.seed(), member.amd64Nodes(), member.arm64Nodes(),
                    round(member.capacityCores()), round(member.load()), round(member.realizedLoad()), scenario.functions().size(),
                    round(scenario.offeredRps()), figures));
            listener.scenarioDone(results.size(), count, member, summary);
        }
        return FamilySummary.of(familySeed, baseline, results);
    }

    static String describe(long familySeed, ScenarioFamily.Member member) {
        return String.format(Locale.ROOT,
                "Scenario family %d (mu bench --family): %d amd64 + %d arm64 nodes, %.1f amd64-core equivalents,"
                        + " load %.2fx of capacity (drawn %.2fx).%nReplay it alone: mu bench --scenario <this file>",
                familySeed, member.amd64Nodes(), member.arm64Nodes(), member.capacityCores(), member.realizedLoad(), member.load());
    }

    private void save(String yaml, BenchSummary summary) {
        Path scenarios = out.resolve("scenarios");
        try {
            Files.createDirectories(scenarios);
            Files.writeString(scenarios.resolve(summary.scenario() + ".yaml"), yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the scenario to " + scenarios + ": " + e.getMessage(), e);
        }
        SummaryFiles.write(scenarios.resolve(summary.scenario()), summary);
    }

    private static double round(double value) {
        return Summaries.round(value, 3);
    }
}
