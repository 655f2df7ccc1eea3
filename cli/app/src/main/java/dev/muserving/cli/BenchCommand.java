package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import dev.muserving.api.PolicySet;
import dev.muserving.api.PolicySets;
import dev.muserving.bench.BenchRunner;
import dev.muserving.bench.FamilyRunner;
import dev.muserving.bench.Systems;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.ComparisonTable;
import dev.muserving.bench.report.DecisionsCsv;
import dev.muserving.bench.report.FamilySummary;
import dev.muserving.bench.report.Measures;
import dev.muserving.bench.report.SeedsSummary;
import dev.muserving.bench.report.Summaries;
import dev.muserving.bench.report.SummaryFiles;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.ProgressListener;
import dev.muserving.bench.sim.SystemUnderTest;
import dev.muserving.clusterbench.ClusterBench;
import dev.muserving.emulate.Emulator;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code mu bench}: replays a workload under several systems and compares them. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Replays a scenario under each system (in the simulator, through mu local, or through Mu on a cluster) and prints them side by side.",
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

        @Option(names = "--family", paramLabel = "N",
                description = "Generate N scenarios of the kinds Mu is for (family --seed, default 1), run the systems (default"
                        + " knative, knative+hist and mu) on each and report each figure's ratio to Knative's over them; --out gets"
                        + " family.json, family.svg and scenarios/.")
        Integer family;
    }

    /** Systems a family run compares unless --systems says otherwise. */
    static final List<String> FAMILY_SYSTEMS = List.of(Systems.KNATIVE, "knative+hist", Systems.MU);
    static final int MAX_FAMILY = 10_000;
    /** sim-benchmark's pace on a 2-core VM, for {@link #warnIfLong}. */
    private static final double SIMULATED_REQUESTS_PER_SECOND = 2_000_000;
    private static final double LONG_RUN_SECONDS = 600;

    @Option(names = "--seed", paramLabel = "N", description = "Seed to use instead of the scenario's; with --family, the family's seed (default 1).")
    Long seed;

    @Option(names = "--seeds", paramLabel = "A..B|A,B,…",
            description = "Run every seed of a range (1..5) or list (1,4,9) and report each figure's median and an interval"
                    + " for it (simulate mode); --out gets seeds.json and seed-<n>/ per seed.")
    String seeds;

    @Option(names = "--systems", split = ",", paramLabel = "NAME",
            description = "Systems to compare, comma-separated (default: all; with --family: knative, knative+hist, mu;"
                    + " with --mode emulate or cluster: knative, mu). Known: ${COMPLETION-CANDIDATES}",
            completionCandidates = SystemNames.class)
    List<String> systems;

    @Option(names = "--out", paramLabel = "DIR", description = "Write summary.json and functions.csv here.")
    Path out;

    @Option(names = "--mode", defaultValue = "simulate",
            description = "simulate (virtual time, any length), emulate (real time through mu local: the real activator-lb, "
                    + "queue-proxies and pods as processes) or cluster (real time through Mu on a Kubernetes cluster); "
                    + "emulate and cluster compare knative and mu unless --systems says otherwise (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = {"--replay-seconds", "--emulate-seconds"}, defaultValue = "120",
            description = "With --mode emulate or cluster, replay at most this much of the scenario, in real time (default: ${DEFAULT-VALUE}).")
    double replaySeconds;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "With --mode cluster: the cluster to use (default: $KUBECONFIG, else ~/.kube/config).")
    Path kubeconfig;

    @Option(names = "--ingress", paramLabel = "URL",
            description = "With --mode cluster: Mu's ingress, the activator-lb (default: $MU_INGRESS, which testenv.sh up --with-mu prints).")
    String ingress;

    @Option(names = "--namespace", defaultValue = "mu-bench", paramLabel = "NAME",
            description = "With --mode cluster: each system runs in <NAME>-<system>, created and deleted by the bench (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--image", defaultValue = ClusterBench.DEFAULT_IMAGE, paramLabel = "IMAGE",
            description = "With --mode cluster: the emulated function's image (default: ${DEFAULT-VALUE}).")
    String image;

    @Option(names = "--trace", split = ",", paramLabel = "FUNCTION",
            description = {"With --out, in the simulator, for one scenario: write every tick's decision for these functions",
                    "(or 'all') and every system to decisions.csv: desired and required pods, pods, ready, unplaced, requests, the reason."})
    List<String> trace;

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
        if (!List.of("simulate", "emulate", "cluster").contains(mode)) {
            throw new BadInputException("--mode must be simulate, emulate or cluster, got '" + mode + "'");
        }
        boolean realTime = !mode.equals("simulate");
        if (!(replaySeconds > 0)) {
            throw new BadInputException("--replay-seconds must be above zero, got " + replaySeconds);
        }
        if (seed != null && seed < 0) {
            throw new BadInputException("--seed must be a whole number ≥ 0, got " + seed);
        }
        boolean family = workload.family != null;
        refuseConflictingOptions(realTime, family);
        List<String> names = systems != null ? systems
                : realTime ? List.of(Systems.KNATIVE, Systems.MU) : family ? FAMILY_SYSTEMS : Systems.names();
        List<SystemUnderTest> chosen = Systems.resolve(names);
        ScenarioLoader loader = new ScenarioLoader(
                strict ? ScenarioLoader.StrictMode.STRICT : ScenarioLoader.StrictMode.LENIENT,
                warning -> err.println("mu: warning: " + warning));
        if (family) {
            FamilyRunner.requireComparable(chosen, Systems.KNATIVE);
        }
        Scenario scenario = family ? null : workload.quick ? quickScenario(loader) : loader.load(workload.scenario);
        Set<String> traced = trace == null ? Set.of() : tracedFunctions(scenario);
        List<Long> seedList = seeds == null ? null : SeedList.parse(seeds);
        if (this.out != null) {
            // every input checked first: a refused run leaves nothing behind; then before the run, not after minutes of work
            OutputDirectory.create("--out", this.out);
            clearEarlierRun(family, !traced.isEmpty(), err);
        }
        if (family) {
            return family(loader, chosen, err, out);
        }
        if (seedList != null) {
            return manySeeds(scenario, chosen, seedList, err, out);
        }
        if (seed != null) {
            scenario = scenario.withSeed(seed);
        }
        err.printf(Locale.ROOT, "mu bench: %s, %d functions, %s rps offered, %.0f s, seed %d, systems %s%n",
                scenario.name(), scenario.functions().size(), rate(scenario.offeredRps()), scenario.durationSeconds(),
                scenario.seed(), chosen.stream().map(SystemUnderTest::name).toList());
        if (mode.equals("simulate")) {
            warnIfLong(scenario, chosen.size(), err);
        }
        BenchSummary summary;
        if (mode.equals("emulate")) {
            summary = emulate(scenario, chosen, err);
        } else if (mode.equals("cluster")) {
            summary = onTheCluster(scenario, names, err);
        } else {
            boolean terminal = System.console() != null;
            Function<SystemUnderTest, ProgressListener> progress = system -> noProgress
                    ? ProgressListener.NONE
                    : new ProgressBar(err, system.name(), terminal, System::nanoTime);
            summary = trace == null
                    ? new BenchRunner(System::nanoTime, progress).run(scenario, chosen)
                    : traced(scenario, traced, chosen, progress);
        }
        out.print(ComparisonTable.render(summary));
        out.printf(Locale.ROOT, "(%.1f s of wall time)%n", summary.wallSeconds());
        if (this.out != null) {
            SummaryFiles.write(this.out, summary);
            out.println("wrote " + this.out.resolve(SummaryFiles.SUMMARY) + (trace != null ? ", " : " and ")
                    + this.out.resolve(SummaryFiles.FUNCTIONS_CSV)
                    + (trace != null ? " and " + this.out.resolve(SummaryFiles.DECISIONS_CSV) : ""));
        }
        out.flush();
        return 0;
    }

    /** The options that exclude each other or are out of range, refused before anything is read or written. */
    private void refuseConflictingOptions(boolean realTime, boolean family) {
        if (trace != null && (this.out == null || realTime || family || seeds != null)) {
            throw new BadInputException("--trace follows one scenario in the simulator and writes decisions.csv: give --out DIR"
                    + (realTime ? " and drop --mode " + mode : family ? " and drop --family" : seeds != null ? " and drop --seeds" : ""));
        }
        if (family && (workload.family < 1 || workload.family > MAX_FAMILY)) {
            throw new BadInputException("--family " + workload.family + ": give between 1 and " + MAX_FAMILY + " scenarios");
        }
        if (family && (realTime || seeds != null)) {
            throw new BadInputException("--family runs the simulator on one family seed: drop "
                    + (realTime ? "--mode " + mode : "--seeds") + " and give the family with --seed");
        }
        if (seed != null && seeds != null) {
            throw new BadInputException("--seed and --seeds exclude each other");
        }
        if (seeds != null && realTime) {
            throw new BadInputException("--seeds runs the simulator only; give --mode " + mode + " one --seed at a time");
        }
        // options that do not apply were ignored without a word (an outside probe): --replay-seconds 5 ran the simulator's 300 s
        ParseResult given = spec.commandLine().getParseResult();
        if (!realTime && given.hasMatchedOption("--replay-seconds")) {
            throw new BadInputException("--replay-seconds applies to --mode emulate and cluster; the simulator replays the whole scenario"
                    + " (its durationSeconds)");
        }
        for (String clusterOnly : List.of("--kubeconfig", "--ingress", "--namespace", "--image")) {
            if (!mode.equals("cluster") && given.hasMatchedOption(clusterOnly)) {
                throw new BadInputException(clusterOnly + " applies to --mode cluster only");
            }
        }
    }

    /** The functions --trace names, each checked against the scenario's. */
    private Set<String> tracedFunctions(Scenario scenario) {
        List<String> names = scenario.functions().stream().map(FunctionModel::name).toList();
        Set<String> traced = new LinkedHashSet<>(trace.contains("all") ? names : trace);
        if (traced.stream().anyMatch(String::isBlank)) {
            throw new BadInputException("--trace: give function names separated by commas, or 'all'; got '" + String.join(",", trace) + "'");
        }
        List<String> unknown = traced.stream().filter(name -> !names.contains(name)).toList();
        if (!unknown.isEmpty()) {
            throw new BadInputException("--trace: " + scenario.name() + " has no function " + String.join(", ", unknown)
                    + "; its functions are " + String.join(", ", names) + " (or give 'all')");
        }
        return traced;
    }

    /**
     * What an earlier run wrote to the same --out and this one would not write over goes, so that the
     * directory holds one run: a decisions.csv beside a summary that has other systems, a family's
     * scenarios/ of another seed or size. Only the files mu bench writes by name; said when done.
     */
    private void clearEarlierRun(boolean family, boolean tracing, PrintWriter err) {
        List<Path> stale = new ArrayList<>();
        Path decisions = this.out.resolve(SummaryFiles.DECISIONS_CSV);
        if (!tracing && Files.isRegularFile(decisions)) {
            stale.add(decisions);
        }
        Path scenarios = this.out.resolve("scenarios");
        if (family && Files.isDirectory(scenarios)) {
            try (Stream<Path> earlier = Files.list(scenarios)) {
                earlier.filter(p -> p.getFileName().toString().startsWith("family")).forEach(stale::add);
            } catch (IOException e) {
                throw new BadInputException("--out: cannot read " + scenarios + ": " + e.getMessage(), e);
            }
        }
        for (Path path : stale) {
            deleteTree(path);
        }
        if (!stale.isEmpty()) {
            err.println("mu bench: removed what an earlier run left in " + this.out + " and this one does not write: "
                    + (stale.size() == 1 ? stale.get(0).getFileName() : stale.size() + " files and scenarios"));
        }
    }

    private static void deleteTree(Path path) {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new BadInputException("--out: cannot remove " + path + " left by an earlier run: " + e.getMessage(), e);
        }
    }

    /** The run, with the decisions of the traced functions written to decisions.csv. */
    private BenchSummary traced(Scenario scenario, Set<String> traced, List<SystemUnderTest> chosen,
            Function<SystemUnderTest, ProgressListener> progress) {
        try (DecisionsCsv csv = new DecisionsCsv(this.out, traced)) {
            return new BenchRunner(System::nanoTime, progress, csv).run(scenario, chosen);
        } catch (IOException e) {
            throw new BadInputException("--out: cannot write " + this.out.resolve(SummaryFiles.DECISIONS_CSV) + ": " + e.getMessage(), e);
        }
    }

    private int family(ScenarioLoader loader, List<SystemUnderTest> chosen, PrintWriter err, PrintWriter out) {
        int count = workload.family;
        long familySeed = seed != null ? seed : 1;
        err.printf(Locale.ROOT, "mu bench: family %d, %d scenarios, systems %s%n", familySeed, count,
                chosen.stream().map(SystemUnderTest::name).toList());
        err.flush();
        long started = System.nanoTime();
        BenchRunner runner = new BenchRunner(System::nanoTime, system -> ProgressListener.NONE);
        FamilySummary summary = new FamilyRunner(runner, loader, this.out, (done, total, member, result) -> {
            if (!noProgress) {
                BenchSummary.SystemSummary knative = result.systems().get(Systems.KNATIVE);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                        "mu bench: %d/%d %s: %d+%d nodes, %d functions, load %.2fx;", done, total, result.scenario(),
                        member.amd64Nodes(), member.arm64Nodes(), member.scenario().functions().size(), member.realizedLoad()));
                result.systems().forEach((system, s) -> line.append(String.format(Locale.ROOT, " %s SLO %.1f %%%s",
                        system, s.sloViolationRate() * 100, s == knative ? "" : String.format(Locale.ROOT, " (%.2fx)",
                                Measures.ratio(s.sloViolationRate(), knative.sloViolationRate())))));
                err.println(line);
                err.flush();
            }
        }).run(familySeed, count, chosen, Systems.KNATIVE);
        out.print(ComparisonTable.render(summary));
        out.printf(Locale.ROOT, "(%.1f s of wall time)%n", (System.nanoTime() - started) / 1e9);
        if (this.out != null) {
            SummaryFiles.write(this.out, summary);
            out.println("wrote " + this.out.resolve(SummaryFiles.FAMILY) + ", " + this.out.resolve(SummaryFiles.FAMILY_CHART)
                    + " and scenarios/ (each scenario's YAML and summary)");
        }
        out.flush();
        return 0;
    }

    private int manySeeds(Scenario base, List<SystemUnderTest> chosen, List<Long> seedList, PrintWriter err, PrintWriter out) {
        List<BenchSummary> runs = new ArrayList<>();
        BenchRunner runner = new BenchRunner(System::nanoTime, system -> ProgressListener.NONE);
        for (long s : seedList) {
            Scenario scenario = base.withSeed(s);
            err.printf(Locale.ROOT, "mu bench: %s, seed %d (%d of %d)%n", scenario.name(), s, runs.size() + 1, seedList.size());
            err.flush();
            BenchSummary summary = runner.run(scenario, chosen);
            runs.add(summary);
            if (this.out != null) {
                SummaryFiles.write(this.out.resolve("seed-" + s), summary);
            }
        }
        SeedsSummary summary = SeedsSummary.of(runs);
        out.print(ComparisonTable.render(summary));
        if (this.out != null) {
            SummaryFiles.write(this.out, summary);
            out.println("wrote " + this.out.resolve(SummaryFiles.SEEDS) + " and seed-<n>/ for each seed");
        }
        out.flush();
        return 0;
    }

    /**
     * Each system in turn through mu local, in real time. Pods' logs go to OUT/logs, or without --out
     * to a temporary directory that a run which finished removes (it was left behind in /tmp until an
     * outside probe found it).
     */
    private BenchSummary emulate(Scenario scenario, List<SystemUnderTest> chosen, PrintWriter err) {
        long started = System.nanoTime();
        Map<String, BenchSummary.SystemSummary> results = new LinkedHashMap<>();
        double seconds = Math.min(scenario.durationSeconds(), replaySeconds);
        try {
            Path logs = this.out != null ? Files.createDirectories(this.out.resolve("logs")) : Files.createTempDirectory("mu-emulate-");
            for (SystemUnderTest system : chosen) {
                err.printf(Locale.ROOT, "mu bench: emulating %s for %.0f s in real time (pod logs in %s)%n", system.name(), seconds, logs);
                Emulator emulator = new Emulator(scenario, system.name(), replaySeconds, logs.resolve(system.name()), progress(err));
                results.put(system.name(), Summaries.of(emulator.run()));
            }
            if (this.out == null) {
                deleteTree(logs);
            }
        } catch (BadInputException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("emulation failed: " + e.getMessage(), e);
        }
        return realTimeSummary(scenario, seconds, started, results);
    }

    /** Each system in turn through Mu on the cluster, in real time, in a namespace of its own. */
    private BenchSummary onTheCluster(Scenario scenario, List<String> names, PrintWriter err) {
        long started = System.nanoTime();
        String url = ingress != null ? ingress : System.getenv("MU_INGRESS");
        if (url == null || url.isBlank()) {
            throw new BadInputException("--mode cluster needs Mu's ingress: pass --ingress http://HOST:PORT or set MU_INGRESS");
        }
        URI target;
        try {
            target = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--ingress: not a URL: " + url, e);
        }
        List<PolicySet> sets = names.stream().map(name -> PolicySets.byName(name).orElseThrow()).toList();
        Map<String, BenchSummary.SystemSummary> results = new LinkedHashMap<>();
        double seconds = Math.min(scenario.durationSeconds(), replaySeconds);
        try (KubernetesClient client = kubernetesClient()) {
            ClusterBench bench = new ClusterBench(client, target, namespace, image, progress(err));
            bench.check(sets);
            for (PolicySet system : sets) {
                err.printf(Locale.ROOT, "mu bench: %s on %s for %.0f s in real time, through %s%n", system.name(), client.getMasterUrl(),
                        seconds, target);
                results.put(system.name(), Summaries.of(bench.run(scenario, system, replaySeconds)));
            }
        }
        return realTimeSummary(scenario, seconds, started, results);
    }

    /**
     * A scenario the simulator needs hours for is said before it starts, not at its first quarter:
     * a week at 10 million rps was accepted in silence. The pace is sim-benchmark's on a 2-core VM
     * (docs/bench.md, "The simulator's own speed and memory").
     */
    static void warnIfLong(Scenario scenario, int systems, PrintWriter err) {
        double requests = scenario.offeredRps() * scenario.durationSeconds();
        double seconds = requests / SIMULATED_REQUESTS_PER_SECOND;
        if (seconds * systems >= LONG_RUN_SECONDS) {
            err.printf(Locale.ROOT, "mu: warning: about %,.0f requests a system; at the simulator's pace of about 2 million a second"
                    + " that is about %s a system%s (lower rates or a shorter durationSeconds run quicker)%n",
                    requests, ProgressBar.roughly(seconds),
                    systems > 1 ? ", " + ProgressBar.roughly(seconds * systems) + " for " + systems : "");
        }
    }

    /** A real-time replay's lines on stderr, unless --no-progress. */
    private Consumer<String> progress(PrintWriter err) {
        return line -> {
            if (!noProgress) {
                err.println("mu bench: " + line);
            }
        };
    }

    private static BenchSummary realTimeSummary(Scenario scenario, double seconds, long startedNanos,
            Map<String, BenchSummary.SystemSummary> results) {
        double wall = (System.nanoTime() - startedNanos) / 1e9;
        return new BenchSummary(scenario.name(), scenario.seed(), seconds, Math.round(wall * 1000) / 1000.0, results);
    }

    private KubernetesClient kubernetesClient() {
        if (kubeconfig == null) {
            return new KubernetesClientBuilder().build();
        }
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        } catch (IOException e) {
            throw new BadInputException("--kubeconfig: cannot read " + kubeconfig + ": " + e.getMessage(), e);
        }
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

    /** Whole requests a second, but a rare function's 0.02 is not printed as 0. */
    static String rate(double rps) {
        return String.format(Locale.ROOT, rps >= 10 ? "%.0f" : "%.2g", rps);
    }
}
