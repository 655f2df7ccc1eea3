package dev.muserving.lbbench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * `mu lb-bench`: the same backends behind each target (directly, Mu's activator-lb with two routing
 * policies, nginx, HAProxy), loaded by wrk in rotating rounds (closed loop: throughput), then by
 * vegeta or {@link NettyOpenLoop} at fixed rates set from the direct path's throughput (open loop:
 * latency at a load the machine can carry); figures per target, written as lb-bench.json and tables.
 */
public final class LbBench {

    /** Written under --out at the end of a run that finished. */
    public static final String RESULT_FILE = "lb-bench.json";
    /** Above this share of errors, a closed-loop run's throughput measures refusals, not capacity. */
    private static final double MOSTLY_ANSWERED = 0.01;

    /** JVM options of the processes under measurement: the full JIT, a fixed heap. */
    static final List<String> BENCH_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+UseParallelGC");
    /**
     * The Java balancers' (the activator-lb, netty-floor): {@link #BENCH_JVM}'s collector and limit with a
     * young generation of 128 MB, as a proxy's JVM is sized to run. A proxy allocates for every request it
     * forwards (the activator-lb about 9 KB); at 12,000 rps, {@code -Xms64m}'s young generation of some 20 MB
     * was collected every 200 ms, each pause 0.7-1.1 ms on the balancer's core (docs/dataplane.md).
     */
    static final List<String> BALANCER_JVM = List.of("-Xms256m", "-Xmx512m", "-Xmn128m", "-XX:+UseParallelGC");
    /** Warm-up ends when throughput moves by less than this share from one period to the next. */
    static final double STEADY = 0.05;
    /** Each fixed-rate run's first seconds, sent but not counted ({@link Vegeta#attack}). */
    static final Duration FIXED_RATE_WARMUP = Duration.ofSeconds(3);
    /** vegeta's requests at the lowest rate asked, to each target before any fixed-rate run (see {@link #prime}). */
    static final Duration PRIMING = Duration.ofSeconds(5);

    private final LbBenchOptions options;
    private final Path out;
    /** Logs, configuration files and wrk's raw reports, apart from the result. */
    private final Path dir;
    private final PrintWriter progress;

    public LbBench(LbBenchOptions options, Path out, PrintWriter progress) {
        this.options = options;
        this.out = out.toAbsolutePath();
        this.dir = this.out.resolve("work");
        this.progress = progress;
    }

    /**
     * One target's figures over all its rounds.
     *
     * @param cpuMicrosPerRequest the balancer's own CPU time per request it served (null for direct):
     *     what a request costs the balancer, which the load generator and the backends sharing the
     *     machine's cores do not blur as much as they blur throughput
     * @param jvm what the balancer's JVM allocated and paused over the same runs (the activator-lb only: null for the others)
     */
    public record TargetFigures(double rps, double p50Ms, double p99Ms, double maxMs, long errors, long requests,
            Double cpuMicrosPerRequest, JvmUse jvm) {}

    /** A Java balancer's allocation and collections over the runs they were read around, and the requests those runs served. */
    record JvmUse(JvmReading used, long requests, double seconds) {
        JvmUse plus(JvmUse other) {
            return new JvmUse(used.plus(other.used), requests + other.requests, seconds + other.seconds);
        }

        double bytesPerRequest() {
            return used.allocatedBytes() / requests;
        }
    }

    /** One target's figures at one fixed rate. */
    public record RateFigures(double achievedRps, double p50Ms, double p99Ms, double p999Ms, long errors, long requests) {}

    /**
     * One target's run at a fixed rate: the figures counted, and those of its first
     * {@link #FIXED_RATE_WARMUP}, not counted, when the target, idle while the others ran, steps up to the rate.
     */
    public record FixedRun(RateFigures counted, RateFigures start) {}

    /** A rate asked for: {@code percent} of the direct path's throughput (null when asked in rps), {@code rps}. */
    public record Rate(Integer percent, double rps) {

        /** Whether vegeta fell behind this rate for a target: then the latency is its backlog, not the target's. */
        boolean generatorLimited(RateFigures figures) {
            return figures.achievedRps() < GENERATOR_LIMITED * rps;
        }

        /** The rate, as asked: a share of direct's throughput, or requests per second. */
        String label() {
            return percent == null ? String.format(Locale.ROOT, "%,.0f rps", rps) : String.format(Locale.ROOT, "%d %% (%,.0f rps)", percent, rps);
        }
    }

    /** Every target at one fixed rate, each run once a round. */
    public record FixedRate(Rate rate, Map<String, RateRounds> targets) {

        /** What {@code target} added to direct's p99, round by round; null for direct itself, or without direct. */
        double[] p99OverDirect(String target) {
            RateRounds direct = targets.get("direct");
            return direct == null || target.equals("direct") ? null : targets.get(target).p99Over(direct);
        }
    }

    /** Below this share of the rate asked, the load generator, not the target, set the pace. */
    static final double GENERATOR_LIMITED = 0.95;

    /**
     * @param fixedRateSkipped why there are no fixed-rate figures, or null when there are
     */
    public record Result(Map<String, TargetFigures> closedLoop, List<FixedRate> fixedRate, String fixedRateSkipped) {}

    /** The programs this run needs, by name; a missing one is a {@code BadInputException} naming its package. */
    public Map<String, Path> requireTools() {
        List<String> programs = new ArrayList<>(List.of("wrk"));
        for (String t : List.of("nginx", "haproxy")) {
            if (options.targets().contains(t)) {
                programs.add(t);
            }
        }
        return Tools.require(programs);
    }

    public Result run() throws IOException {
        Map<String, Path> tools = requireTools();
        Files.createDirectories(dir);
        Wrk wrk = new Wrk(tools.get("wrk"), dir, options.pinning());
        if (options.pinning().pinned()) {
            say("%s", pinningLine());
        }
        say("starting %d backends (a function process behind a queue-proxy process each)", options.backends());
        try (Backends backends = Backends.start(options, dir)) {
            List<Target> targets = new ArrayList<>();
            try {
                for (String name : options.targets()) {
                    say("starting %s", name);
                    targets.add(switch (name) {
                        case "direct" -> Target.direct(backends);
                        case "mu" -> Target.activator("mu", backends, options, dir);
                        case "mu-round-robin" -> Target.activator("round-robin", backends, options, dir);
                        case "netty-floor" -> Target.nettyFloor(backends, options, dir);
                        case "nginx" -> Target.nginx(tools.get("nginx"), backends, options, dir);
                        case "haproxy" -> Target.haproxy(tools.get("haproxy"), backends, options, dir);
                        default -> throw new IllegalStateException(name);
                    });
                }
                Map<String, TargetFigures> closedLoop = measure(wrk, backends, targets);
                String skipped = fixedRateSkipped(closedLoop);
                if (skipped != null) {
                    say("fixed-rate runs skipped: %s", skipped);
                    return new Result(closedLoop, List.of(), skipped);
                }
                TargetFigures direct = closedLoop.get("direct");
                try (FixedRateGenerator generator = options.loadGenerator().start(options.pinning(), dir)) {
                    return new Result(closedLoop, measureFixedRates(generator, direct == null ? 0 : direct.rps(), targets), null);
                }
            } finally {
                targets.forEach(Target::close);
            }
        }
    }

    private Map<String, TargetFigures> measure(Wrk wrk, Backends backends, List<Target> targets) throws IOException {
        // Every backend is warmed on its own first: a target in front of all of them would otherwise
        // meet some still interpreted, and a policy that avoids slow pods would look better than it is.
        for (int port : backends.ports()) {
            warmUntilSteady(wrk, "the backend on port " + port, "http://127.0.0.1:" + port + Target.PATH);
        }
        for (Target target : targets) {
            warmUntilSteady(wrk, target.name(), target.url());
        }
        Map<String, List<WrkResult>> runs = new LinkedHashMap<>();
        Map<String, CpuUse> cpu = new LinkedHashMap<>();
        Map<String, JvmUse> jvm = new LinkedHashMap<>();
        targets.forEach(t -> runs.put(t.name(), new ArrayList<>()));
        for (int round = 0; round < options.rounds(); round++) {
            for (int k = 0; k < targets.size(); k++) {
                Target target = targets.get((k + round) % targets.size());
                Optional<Duration> cpuBefore = target.cpuTime();
                Optional<JvmReading> jvmBefore = target.jvm();
                WrkResult result = wrk.run(target.url(), options.perRun(), options.connections(), options.threads());
                Optional<CpuUse> used = cpuBefore.flatMap(before -> target.cpuTime()
                        .map(after -> new CpuUse(after.minus(before), result.requests())));
                used.ifPresent(u -> cpu.merge(target.name(), u, CpuUse::plus));
                Optional<JvmUse> allocated = jvmBefore.flatMap(before -> target.jvm()
                        .map(after -> new JvmUse(after.minus(before), result.requests(), result.seconds())));
                allocated.ifPresent(a -> jvm.merge(target.name(), a, JvmUse::plus));
                runs.get(target.name()).add(result);
                say("round %d/%d  %-15s %,9.0f rps  p99 %7.2f ms  errors %d%s", round + 1, options.rounds(), target.name(),
                        result.requests() / result.seconds(), result.quantileMicros()[990] / 1000.0, result.errors(),
                        used.map(u -> String.format(Locale.ROOT, "  cpu %.1f µs/req", u.microsPerRequest())).orElse("")
                        + allocated.map(a -> String.format(Locale.ROOT, "  %.1f KB/req, %d collections", a.bytesPerRequest() / 1024,
                                a.used().gcPauses())).orElse(""));
            }
        }
        Map<String, TargetFigures> figures = new LinkedHashMap<>();
        runs.forEach((name, results) -> {
            LatencyMerge latency = new LatencyMerge(results);
            long requests = results.stream().mapToLong(WrkResult::requests).sum();
            double seconds = results.stream().mapToDouble(WrkResult::seconds).sum();
            CpuUse used = cpu.get(name);
            figures.put(name, new TargetFigures(requests / seconds, latency.percentileMillis(50), latency.percentileMillis(99),
                    latency.maxMillis(), results.stream().mapToLong(WrkResult::errors).sum(), requests,
                    used == null || used.requests() == 0 ? null : used.microsPerRequest(),
                    jvm.get(name) == null || jvm.get(name).requests() == 0 ? null : jvm.get(name)));
        });
        return figures;
    }

    /** A balancer's CPU time over the runs it was read around, and the requests those runs served. */
    private record CpuUse(Duration time, long requests) {
        CpuUse plus(CpuUse other) {
            return new CpuUse(time.plus(other.time), requests + other.requests);
        }

        double microsPerRequest() {
            return micros(time) / requests;
        }
    }

    private String fixedRateSkipped(Map<String, TargetFigures> closedLoop) {
        if (options.fixedRatePercents().isEmpty() && options.fixedRps().isEmpty()) {
            return "none asked for (--fixed-rate none)";
        }
        if (!options.fixedRatePercents().isEmpty() && !closedLoop.containsKey("direct")) {
            return "the rates are set from the direct path's throughput, and --targets leaves direct out";
        }
        TargetFigures direct = closedLoop.get("direct");
        if (!options.fixedRatePercents().isEmpty() && direct.errors() > MOSTLY_ANSWERED * direct.requests()) {
            // found by an outside probe: at --container-concurrency 1, 99 % of direct's requests were 503s, and the rates came from them
            return String.format(Locale.ROOT, "the rates are set from the direct path's throughput, and %,d of its %,d requests were errors"
                    + " (a full queue answers 503, e.g. at a low --container-concurrency): that is no capacity to take shares of;"
                    + " ask rates in requests per second with --fixed-rps", direct.errors(), direct.requests());
        }
        return options.loadGenerator().missing().orElse(null);
    }

    /**
     * Each rate, every target once a round at it, in an order that rotates from one round and one
     * rate to the next, so that drift in the machine's speed falls on every target alike.
     */
    private List<FixedRate> measureFixedRates(FixedRateGenerator generator, double directRps, List<Target> targets) throws IOException {
        List<Rate> asked = new ArrayList<>();
        options.fixedRatePercents().forEach(p -> asked.add(new Rate(p, Math.max(1, Math.round(directRps * p / 100.0)))));
        options.fixedRps().forEach(rps -> asked.add(new Rate(null, rps)));
        prime(generator, targets, asked.stream().mapToDouble(Rate::rps).min().orElseThrow());
        List<FixedRate> rates = new ArrayList<>();
        int rounds = options.fixedRateRounds();
        for (int r = 0; r < asked.size(); r++) {
            Rate rate = asked.get(r);
            Map<String, List<FixedRun>> byTarget = new LinkedHashMap<>();
            targets.forEach(t -> byTarget.put(t.name(), new ArrayList<>()));
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < targets.size(); k++) {
                    Target target = targets.get((k + r + round) % targets.size());
                    FixedRun run = generator.attack(target.url(), rate.rps(), FIXED_RATE_WARMUP, options.fixedRateDuration());
                    byTarget.get(target.name()).add(run);
                    RateFigures f = run.counted();
                    say("%s%s  %-15s achieved %,9.0f rps  p50 %6.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  errors %d%s  (first %d s: p99 %.2f ms, errors %d)",
                            rate.label(), rounds == 1 ? "" : String.format(Locale.ROOT, "  round %d/%d", round + 1, rounds), target.name(),
                            f.achievedRps(), f.p50Ms(), f.p99Ms(), f.p999Ms(), f.errors(),
                            rate.generatorLimited(f) ? "  (below the rate asked: the target or the load generator fell behind)" : "",
                            FIXED_RATE_WARMUP.toSeconds(),
                            run.start().p99Ms(), run.start().errors());
                }
            }
            Map<String, RateRounds> measured = new LinkedHashMap<>();
            byTarget.forEach((name, runs) -> measured.put(name, new RateRounds(runs)));
            rates.add(new FixedRate(rate, measured));
        }
        return rates;
    }

    /**
     * Sends each target vegeta's requests at the lowest rate asked first, results not kept. The
     * backends are JVMs too, and {@code direct} reaches only the first: before this, the first
     * target to spread a high rate over all of them met three backends whose code for it was not
     * compiled yet, and their JIT compilers took most of both cores for seconds (at 6,000 rps after
     * 500 rps of priming, whichever target came first after direct, Mu or netty-floor, fell behind
     * for 4–6 s, p99 over a second; docs/dataplane.md, "A step from idle to 6,000 rps"). A JVM target
     * also gets its own code compiled for vegeta's requests (other headers than wrk's). Every
     * target gets the same. Not the highest rate: one beyond what the machine serves only leaves a
     * backlog behind.
     */
    private void prime(FixedRateGenerator generator, List<Target> targets, double rps) throws IOException {
        Duration duration = primingDuration();
        for (Target target : targets) {
            say("priming %s: %s's requests at %,.0f rps for %d s, not counted", target.name(), options.loadGenerator(), rps, duration.toSeconds());
            generator.attack(target.url(), rps, Duration.ZERO, duration);
        }
    }

    /** {@link #PRIMING}, or less when each fixed-rate run is shorter. */
    private Duration primingDuration() {
        return PRIMING.compareTo(options.fixedRateDuration()) < 0 ? PRIMING : options.fixedRateDuration();
    }

    /**
     * Runs warm-up periods until two in a row differ by less than {@link #STEADY} in throughput (or
     * the warm-up limit is reached): a JVM on two busy cores needs tens of seconds before its hot
     * code is compiled, nginx and HAProxy need none, and each gets what it needs.
     */
    private void warmUntilSteady(Wrk wrk, String name, String url) throws IOException {
        double previous = 0;
        long spent = 0;
        while (true) {
            WrkResult run = wrk.run(url, options.warmup(), options.connections(), options.threads());
            double rps = run.requests() / run.seconds();
            spent += options.warmup().toSeconds();
            boolean steady = previous > 0 && Math.abs(rps - previous) < STEADY * previous;
            say("warming up %s: %,.0f rps%s", name, rps, steady ? " (steady)" : "");
            if (steady || spent >= options.warmupLimit().toSeconds()) {
                return;
            }
            previous = rps;
        }
    }

    /** lb-bench.json: the settings, the machine, and each target's figures. */
    public Path write(Result result) throws IOException {
        Map<String, TargetFigures> figures = result.closedLoop();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode settings = root.putObject("settings");
        settings.put("backends", options.backends());
        settings.put("durationSecondsPerTarget", options.duration().toSeconds());
        settings.put("rounds", options.rounds());
        settings.put("warmupPeriodSeconds", options.warmup().toSeconds());
        settings.put("warmupLimitSeconds", options.warmupLimit().toSeconds());
        settings.put("connections", options.connections());
        settings.put("wrkThreads", options.threads());
        settings.put("serviceMs", options.serviceMillis());
        settings.put("cpuMs", options.cpuMillis());
        settings.put("containerConcurrency", options.containerConcurrency());
        settings.put("activatorBalancers", options.balancers());
        settings.put("fixedRateSecondsPerTarget", options.fixedRateDuration().toSeconds());
        settings.put("fixedRateWarmupSeconds", FIXED_RATE_WARMUP.toSeconds());
        settings.put("fixedRatePrimingSeconds", primingDuration().toSeconds());
        settings.put("fixedRateRounds", options.fixedRateRounds());
        settings.put("loadGenerator", options.loadGenerator().toString());
        if (options.pinning().pinned()) {
            settings.put("balancerCpus", CpuPinning.format(options.pinning().balancers()));
            settings.put("backendAndLoadGeneratorCpus", CpuPinning.format(options.pinning().rest()));
        }
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        ObjectNode targets = root.putObject("targets");
        figures.forEach((name, f) -> {
            ObjectNode t = targets.putObject(name);
            t.put("rps", round(f.rps()));
            ObjectNode latency = t.putObject("latencyMs");
            latency.put("p50", round(f.p50Ms()));
            latency.put("p99", round(f.p99Ms()));
            latency.put("max", round(f.maxMs()));
            t.put("errors", f.errors());
            t.put("requests", f.requests());
            if (f.cpuMicrosPerRequest() != null) {
                t.put("cpuMicrosPerRequest", round(f.cpuMicrosPerRequest()));
            }
            if (f.jvm() != null) {
                ObjectNode j = t.putObject("jvm");
                j.put("allocatedBytesPerRequest", Math.round(f.jvm().bytesPerRequest()));
                j.put("gcPauses", f.jvm().used().gcPauses());
                j.put("gcPauseMsPerSecond", round(f.jvm().used().gcPauseSeconds() * 1000 / f.jvm().seconds()));
            }
        });
        ArrayNode fixedRate = root.putArray("fixedRate");
        for (FixedRate measured : result.fixedRate()) {
            Rate rate = measured.rate();
            ObjectNode r = fixedRate.addObject();
            if (rate.percent() != null) {
                r.put("percentOfDirect", rate.percent());
            }
            r.put("rps", rate.rps());
            ObjectNode byTarget = r.putObject("targets");
            measured.targets().forEach((name, runs) -> {
                ObjectNode t = byTarget.putObject(name);
                put(t, runs.counted());
                t.put("generatorLimited", runs.generatorLimited(rate));
                put(t.putObject("start"), runs.start());
                double[] added = measured.p99OverDirect(name);
                if (added != null) {
                    ObjectNode over = t.putObject("p99OverDirectMs");
                    over.put("median", round(RateRounds.median(added)));
                    ArrayNode byRound = over.putArray("rounds");
                    Arrays.stream(added).forEach(a -> byRound.add(round(a)));
                }
                ArrayNode rounds = t.putArray("rounds");
                runs.rounds().forEach(run -> put(rounds.addObject(), run.counted()));
            });
        }
        if (result.fixedRateSkipped() != null) {
            root.put("fixedRateSkipped", result.fixedRateSkipped());
        }
        Path file = out.resolve(RESULT_FILE);
        json.writeValue(file.toFile(), root);
        return file;
    }

    private static void put(ObjectNode node, RateFigures f) {
        node.put("achievedRps", round(f.achievedRps()));
        ObjectNode latency = node.putObject("latencyMs");
        latency.put("p50", round(f.p50Ms()));
        latency.put("p99", round(f.p99Ms()));
        latency.put("p999", round(f.p999Ms()));
        node.put("errors", f.errors());
        node.put("requests", f.requests());
    }

    /**
     * The tables: closed loop with throughput against nginx, and each fixed rate; p99 added over
     * direct in both. Headed by the CPUs each side ran on, when pinned.
     */
    public String table(Result result) {
        StringBuilder out = new StringBuilder();
        if (options.pinning().pinned()) {
            out.append(pinningLine()).append(String.format(Locale.ROOT, "%n%n"));
        }
        out.append(closedLoopTable(result.closedLoop()));
        for (FixedRate measured : result.fixedRate()) {
            Rate rate = measured.rate();
            int rounds = options.fixedRateRounds();
            out.append(String.format(Locale.ROOT, "%nfixed rate %s (open loop, %s%s; * where it fell behind the rate)%n", rate.label(),
                    options.loadGenerator(), rounds == 1 ? "" : ", medians of " + rounds + " rounds; p99 - direct from each round's pair"));
            String first = "first " + FIXED_RATE_WARMUP.toSeconds() + " s";
            out.append(String.format(Locale.ROOT, "%-15s %10s %9s %9s %9s %8s %14s %17s%s%n",
                    "target", "achieved", "p50 ms", "p99 ms", "p99.9 ms", "errors", "p99 - direct", first + ": p99 ms",
                    rounds == 1 ? "" : "   p99 - direct by round"));
            boolean withDirect = measured.targets().containsKey("direct");
            measured.targets().forEach((name, runs) -> {
                RateFigures f = runs.counted();
                double[] added = measured.p99OverDirect(name);
                out.append(String.format(Locale.ROOT, "%-15s %,10.0f%s %9.2f %9.2f %9.2f %8d %14s %17.2f%s%n",
                        name, f.achievedRps(), runs.generatorLimited(rate) ? "*" : " ", f.p50Ms(), f.p99Ms(), f.p999Ms(), f.errors(),
                        !withDirect ? "-" : added == null ? "+0.00 ms" : String.format(Locale.ROOT, "%+.2f ms", RateRounds.median(added)),
                        runs.start().p99Ms(), added == null || added.length == 1 ? "" : "   " + Arrays.stream(added)
                                .mapToObj(a -> String.format(Locale.ROOT, "%+.2f", a)).collect(Collectors.joining(" "))));
            });
        }
        return out.toString();
    }

    private String pinningLine() {
        return String.format(Locale.ROOT, "balancers on CPU %s; backends, wrk and %s on CPU %s (taskset)",
                CpuPinning.format(options.pinning().balancers()), options.loadGenerator(), CpuPinning.format(options.pinning().rest()));
    }

    private static String closedLoopTable(Map<String, TargetFigures> figures) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-15s %10s %9s %9s %9s %8s %12s %14s %11s %11s%n",
                "target", "rps", "p50 ms", "p99 ms", "max ms", "errors", "rps / nginx", "p99 - direct", "cpu µs/req", "alloc KB/req"));
        TargetFigures nginx = figures.get("nginx");
        TargetFigures direct = figures.get("direct");
        figures.forEach((name, f) -> out.append(String.format(Locale.ROOT, "%-15s %,10.0f %9.2f %9.2f %9.1f %8d %12s %14s %11s %11s%n",
                name, f.rps(), f.p50Ms(), f.p99Ms(), f.maxMs(), f.errors(),
                nginx == null ? "-" : String.format(Locale.ROOT, "%.2f", f.rps() / nginx.rps()),
                direct == null ? "-" : String.format(Locale.ROOT, "%+.2f ms", f.p99Ms() - direct.p99Ms()),
                f.cpuMicrosPerRequest() == null ? "-" : String.format(Locale.ROOT, "%.1f", f.cpuMicrosPerRequest()),
                f.jvm() == null ? "-" : String.format(Locale.ROOT, "%.1f", f.jvm().bytesPerRequest() / 1024))));
        return out.toString();
    }

    private static double micros(Duration d) {
        return d.toNanos() / 1_000.0;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private void say(String format, Object... args) {
        progress.printf(Locale.ROOT, "mu lb-bench: " + format + "%n", args);
        progress.flush();
    }
}
