package dev.muserving.bench.input;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.NodeInfo;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.ClusterModel;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.scenario.NodeGroup;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.workload.AzureTraceOptions;
import dev.muserving.bench.workload.AzureTraceReader;
import dev.muserving.bench.workload.SyntheticOptions;
import dev.muserving.bench.workload.SyntheticWorkload;
import dev.muserving.yaml.YamlNode;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a scenario file (schema in docs/bench.md). Every error names the file, the line and the
 * field; nothing is guessed silently.
 */
public final class ScenarioLoader {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Set<String> TOP = Set.of(
            "name", "description", "durationSeconds", "seed", "cluster", "functions", "synthetic", "azureTrace");
    private static final Set<String> CLUSTER = Set.of(
            "nodes", "podStartupSeconds", "loadBalancers", "balancerQueueLimit", "requestTimeoutSeconds");
    private static final Set<String> NODE = Set.of("count", "arch", "cpu", "memoryMiB");
    private static final Set<String> FUNCTION = Set.of(
            "name", "arrival", "serviceTimeMs", "cpu", "memoryMiB", "containerConcurrency", "parallelism",
            "sloP99Ms", "weight", "architectures", "minScale", "maxScale");
    private static final Set<String> DISTRIBUTION = Set.of("median", "p99");
    private static final double MAX_RPS = 1e7;
    private static final int MAX_COUNT = 100_000;
    /** Each function keeps latency histograms per system (about 0.3 MB): 10,000 fill 3.4 GB of heap. */
    private static final int MAX_FUNCTIONS = 10_000;

    private final StrictMode strict;
    private final Consumer<String> warnings;

    /** Whether a bad line in a trace file stops the load ({@code --strict}) or is reported and skipped. */
    public enum StrictMode { LENIENT, STRICT }

    /** @param warnings receives what was skipped or assumed (bad trace lines, missing files) */
    public ScenarioLoader(StrictMode strict, Consumer<String> warnings) {
        this.strict = strict;
        this.warnings = warnings;
    }

    public Scenario load(Path file) {
        if (Files.isDirectory(file)) {
            throw new BadInputException(file + ": a directory; give a scenario file (e.g. deploy/scenarios/edge-contention.yaml)");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + (Files.exists(file) ? ": not a regular file; give a scenario file" : ": no such scenario file"));
        }
        Reader reader;
        try {
            reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the scenario: " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        return read(file.toString(), reader, base);
    }

    public Scenario parse(String source, String yaml) {
        return read(source, new StringReader(yaml), Path.of("").toAbsolutePath());
    }

    private Scenario read(String source, Reader reader, Path base) {
        YamlNode root = YamlNode.parse(source, reader);
        root.allowOnly(TOP);
        String name = root.get("name").text();
        // whole seconds: the simulator runs whole ticks, and 30.5 ran 31 s
        double duration = root.get("durationSeconds").wholeNumber(1, 7 * 24 * 3600);
        long seed = root.find("seed").map(ScenarioLoader::seed).orElse(1L);
        ClusterModel cluster = cluster(root.get("cluster"));

        List<FunctionModel> functions = new ArrayList<>();
        root.find("functions").ifPresent(list -> list.items().forEach(f -> functions.add(function(f))));
        root.find("synthetic").ifPresent(s -> functions.addAll(SyntheticWorkload.generate(synthetic(s, seed))));
        root.find("azureTrace").ifPresent(t -> functions.addAll(
                new AzureTraceReader(strict == StrictMode.STRICT, warnings).read(azureTrace(t, seed, base))));
        if (functions.isEmpty()) {
            throw root.error("no functions: give 'functions', 'synthetic' or 'azureTrace'");
        }
        Set<String> names = new HashSet<>();
        for (FunctionModel fn : functions) {
            if (!names.add(fn.name())) {
                throw root.error("two functions are named '" + fn.name() + "'");
            }
            warnIfItFitsNoNode(source, fn, cluster);
        }
        warnIfCountsEndEarly(source, functions, duration);
        warnIfCountsOutlastTheRun(source, functions, duration);
        return new Scenario(name, duration, seed, cluster, functions);
    }

    /** Per-minute counts (a trace's, or perMinute's) shorter than the run leave it idle at the end: said once. */
    private void warnIfCountsEndEarly(String source, List<FunctionModel> functions, double duration) {
        List<ArrivalSpec.PerMinute> ending = functions.stream().map(FunctionModel::arrival)
                .filter(a -> a instanceof ArrivalSpec.PerMinute counts && counts.coveredSeconds() < duration)
                .map(ArrivalSpec.PerMinute.class::cast).toList();
        if (!ending.isEmpty()) {
            double longest = ending.stream().mapToDouble(ArrivalSpec.PerMinute::coveredSeconds).max().orElse(0);
            warnings.accept(String.format(Locale.ROOT,
                    "%s: the per-minute counts of %d function(s) cover at most %.0f s of the %.0f s run; nothing arrives for them after that",
                    source, ending.size(), longest, duration));
        }
    }

    /** Per-minute counts longer than the run: the requests past its end are not sent, which changes the totals; said once. */
    private void warnIfCountsOutlastTheRun(String source, List<FunctionModel> functions, double duration) {
        long inCounts = 0;
        long sent = 0;
        double longest = 0;
        for (FunctionModel fn : functions) {
            if (fn.arrival() instanceof ArrivalSpec.PerMinute perMinute && countsPast(perMinute, duration)) {
                longest = Math.max(longest, perMinute.coveredSeconds());
                inCounts += perMinute.counts().stream().mapToLong(Integer::longValue).sum();
                sent += Math.round(perMinute.meanRpsOver(duration) * duration);
            }
        }
        if (longest > 0) {
            warnings.accept(String.format(Locale.ROOT,
                    "%s: per-minute counts cover up to %.0f s, but the run lasts %.0f s (durationSeconds): about %d of their %d requests"
                            + " are sent, none after the end", source, longest, duration, sent, inCounts));
        }
    }

    /** Whether a minute that ends after the run has requests in it. */
    private static boolean countsPast(ArrivalSpec.PerMinute perMinute, double duration) {
        List<Integer> counts = perMinute.counts();
        for (int m = (int) Math.floor(duration / 60); m < counts.size(); m++) {
            if ((m + 1) * 60.0 > duration && counts.get(m) > 0) {
                return true;
            }
        }
        return false;
    }

    /** As a Pod that no node can take stays Pending on Kubernetes: run, but said, since every request to it is dropped. */
    private void warnIfItFitsNoNode(String source, FunctionModel fn, ClusterModel cluster) {
        if (!cluster.couldHold(fn.spec())) {
            warnings.accept(source + ": function '" + fn.name() + "' (" + NodeInfo.asks(fn.spec())
                    + ") fits no node of the cluster: no pod of it can start, and every request to it is dropped");
        }
    }

    private ClusterModel cluster(YamlNode node) {
        node.allowOnly(CLUSTER);
        List<NodeGroup> groups = new ArrayList<>();
        for (YamlNode group : node.get("nodes").items()) {
            group.allowOnly(NODE);
            groups.add(new NodeGroup(
                    group.get("count").integer(1, MAX_COUNT),
                    group.get("arch").arch(),
                    group.get("cpu").cpuMillis(),
                    group.get("memoryMiB").integer(1, 64 * 1024 * 1024)));
        }
        if (groups.isEmpty()) {
            throw node.get("nodes").error("needs at least one node group");
        }
        return new ClusterModel(
                groups,
                distribution(node.get("podStartupSeconds"), 0.001, 3600),
                node.integerOr("loadBalancers", ClusterModel.DEFAULT_LOAD_BALANCERS, 1, 64),
                node.integerOr("balancerQueueLimit", ClusterModel.DEFAULT_BALANCER_QUEUE_LIMIT, 1, 10_000_000),
                node.numberOr("requestTimeoutSeconds", ClusterModel.DEFAULT_REQUEST_TIMEOUT_SECONDS, 0.001, 86_400));
    }

    private FunctionModel function(YamlNode node) {
        node.allowOnly(FUNCTION);
        YamlNode nameNode = node.get("name");
        String name = nameNode.text();
        if (!DNS_LABEL.matcher(name).matches()) {
            throw nameNode.error("must be a DNS label (lower-case letters, digits and '-', at most 63), got '" + name + "'");
        }
        YamlNode serviceNode = node.get("serviceTimeMs");
        Map<Arch, LatencyDistribution> service = new EnumMap<>(Arch.class);
        serviceNode.allowOnly(Set.of("amd64", "arm64"));
        for (Arch arch : Arch.values()) {
            serviceNode.find(arch.label()).ifPresent(d -> service.put(arch, distribution(d, 0.001, 3_600_000)));
        }
        Set<Arch> architectures = node.find("architectures").map(this::architectures).orElse(EnumSet.noneOf(Arch.class));
        if (architectures.isEmpty()) {
            architectures.addAll(service.keySet());
        }
        for (Arch arch : architectures) {
            if (!service.containsKey(arch)) {
                throw serviceNode.error("needs a service time for " + arch + ", which 'architectures' allows");
            }
        }
        if (architectures.isEmpty()) {
            throw serviceNode.error("needs a service time for at least one architecture");
        }
        int cc = node.integerOr("containerConcurrency", 0, 0, 1000);
        int minScale = node.integerOr("minScale", 0, 0, MAX_COUNT);
        int maxScale = node.integerOr("maxScale", 0, 0, MAX_COUNT);
        if (maxScale > 0 && minScale > maxScale) {
            throw node.get("minScale").error("is above maxScale (" + maxScale + ")");
        }
        FunctionSpec spec = new FunctionSpec(
                name,
                cc,
                node.get("cpu").cpuMillis(),
                node.get("memoryMiB").integer(1, 1024 * 1024),
                architectures,
                node.get("sloP99Ms").number(0.001, 3_600_000),
                node.numberOr("weight", 1, 0.001, 1000),
                minScale,
                maxScale);
        int parallelism = node.integerOr("parallelism", FunctionModel.defaultParallelism(cc), 1, Integer.MAX_VALUE);
        return new FunctionModel(spec, arrival(node.get("arrival")), service, parallelism, "scenario");
    }

    private Set<Arch> architectures(YamlNode node) {
        Set<Arch> archs = EnumSet.noneOf(Arch.class);
        for (YamlNode item : node.items()) {
            if (!archs.add(item.arch())) {
                throw item.error("names " + item.arch() + " twice");
            }
        }
        if (archs.isEmpty()) {
            throw node.error("must name at least one architecture");
        }
        return archs;
    }

    private static LatencyDistribution distribution(YamlNode node, double min, double max) {
        node.allowOnly(DISTRIBUTION);
        double median = node.get("median").number(min, max);
        YamlNode p99Node = node.get("p99");
        double p99 = p99Node.number(min, max);
        if (p99 < median) {
            throw p99Node.error("must be at least the median (" + median + "), got " + p99);
        }
        return new LatencyDistribution(median, p99);
    }

    private static ArrivalSpec arrival(YamlNode node) {
        YamlNode typeNode = node.get("type");
        String type = typeNode.text();
        return switch (type) {
            case "poisson" -> {
                node.allowOnly(Set.of("type", "rps"));
                yield new ArrivalSpec.Poisson(node.get("rps").number(0, MAX_RPS));
            }
            case "periodic" -> {
                node.allowOnly(Set.of("type", "rps"));
                yield new ArrivalSpec.Periodic(node.get("rps").number(0, MAX_RPS));
            }
            case "bursty" -> bursty(node);
            case "diurnal" -> {
                node.allowOnly(Set.of("type", "rps", "amplitude", "periodSeconds", "phaseSeconds"));
                yield new ArrivalSpec.Diurnal(
                        node.get("rps").number(0, MAX_RPS),
                        node.numberOr("amplitude", 0.5, 0, 1),
                        node.numberOr("periodSeconds", 86_400, 1, 1e9),
                        node.numberOr("phaseSeconds", 0, -1e9, 1e9));
            }
            case "perMinute" -> {
                node.allowOnly(Set.of("type", "counts"));
                List<Integer> counts = new ArrayList<>();
                node.get("counts").items().forEach(c -> counts.add(c.integer(0, 100_000_000)));
                yield new ArrivalSpec.PerMinute(counts);
            }
            default -> throw typeNode.error(
                    "must be one of poisson, bursty, diurnal, periodic, perMinute; got '" + type + "'");
        };
    }

    private static ArrivalSpec bursty(YamlNode node) {
        node.allowOnly(Set.of("type", "rps", "burstRps", "burstSeconds", "quietSeconds"));
        double rps = node.get("rps").number(0, MAX_RPS);
        YamlNode burstNode = node.get("burstRps");
        double burstRps = burstNode.number(0, MAX_RPS);
        double burstSeconds = node.numberOr("burstSeconds", 10, 0.001, 1e7);
        double quietSeconds = node.numberOr("quietSeconds", 50, 0.001, 1e7);
        ArrivalSpec.Bursty bursty = new ArrivalSpec.Bursty(rps, burstRps, burstSeconds, quietSeconds);
        if (burstRps < rps) {
            throw burstNode.error("must be at least the mean rps (" + rps + "), got " + burstRps);
        }
        if (bursty.quietRps() < 0) {
            throw burstNode.error(String.format(Locale.ROOT,
                    "bursts of %.1f rps for %.1f s in every %.1f s already exceed the mean of %.1f rps;"
                            + " lower burstRps or burstSeconds, or raise quietSeconds",
                    burstRps, burstSeconds, burstSeconds + quietSeconds, rps));
        }
        return bursty;
    }

    private static SyntheticOptions synthetic(YamlNode node, long scenarioSeed) {
        node.allowOnly(SyntheticOptions.FIELDS);
        SyntheticOptions d = SyntheticOptions.defaults(scenarioSeed);
        int functions = node.get("functions").integer(1, MAX_FUNCTIONS);
        double armSlowdownMin = node.numberOr("armSlowdownMin", d.armSlowdownMin(), 0.1, 10);
        double armSlowdownMax = node.numberOr("armSlowdownMax", Math.max(d.armSlowdownMax(), armSlowdownMin), 0.1, 10);
        if (armSlowdownMax < armSlowdownMin) {
            throw node.at("armSlowdownMax").error("must be at least armSlowdownMin (" + armSlowdownMin + "), got " + armSlowdownMax);
        }
        // the defaults give way to what was set: a cap no set of functions can meet, or a range upside down, only when set so
        SyntheticOptions options = new SyntheticOptions(
                functions,
                node.get("totalRps").number(0.001, MAX_RPS),
                node.find("seed").map(ScenarioLoader::seed).orElse(d.seed()),
                node.numberOr("rateSpread", d.rateSpread(), 0, 10),
                node.numberOr("durationMedianMs", d.durationMedianMs(), 0.01, 3_600_000),
                node.numberOr("durationSpread", d.durationSpread(), 0, 10),
                armSlowdownMin,
                armSlowdownMax,
                node.numberOr("sloFactor", d.sloFactor(), 1, 100),
                node.numberOr("maxFunctionShare", functions * d.maxFunctionShare() >= 1 ? d.maxFunctionShare() : 1, 0.001, 1));
        if (options.functions() * options.maxFunctionShare() < 1) {
            throw node.at("maxFunctionShare").error(String.format(Locale.ROOT,
                    "%d functions with at most %s of totalRps each cannot carry all of it; raise it to at least %.4f",
                    options.functions(), options.maxFunctionShare(), 1.0 / options.functions()));
        }
        return options;
    }

    private static AzureTraceOptions azureTrace(YamlNode node, long scenarioSeed, Path base) {
        node.allowOnly(AzureTraceOptions.FIELDS);
        AzureTraceOptions d = AzureTraceOptions.defaults(scenarioSeed);
        Path dir = base.resolve(node.get("directory").text()).normalize();
        if (!Files.isDirectory(dir)) {
            throw node.get("directory").error("is not a directory: " + dir);
        }
        return new AzureTraceOptions(
                dir,
                node.integerOr("day", d.day(), 1, 14),
                node.get("functions").integer(1, MAX_FUNCTIONS),
                node.integerOr("startMinute", d.startMinute(), 0, 1439),
                node.integerOr("minutes", d.minutes(), 1, 1440),
                node.find("seed").map(ScenarioLoader::seed).orElse(d.seed()),
                node.numberOr("armSlowdown", d.armSlowdown(), 0.1, 10),
                node.numberOr("sloFactor", d.sloFactor(), 1, 100),
                node.numberOr("rateScale", d.rateScale(), 1e-9, 1e6));
    }

    /** What {@code --seed} takes, so that a scenario's seed can be given there too. */
    private static long seed(YamlNode node) {
        long seed = node.longValue();
        if (seed < 0) {
            throw node.error("must be 0 or more, as --seed, got " + seed);
        }
        return seed;
    }
}
