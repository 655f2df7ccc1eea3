package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import dev.muserving.lbbench.CpuPinning;
import dev.muserving.lbbench.FixedRateGenerator;
import dev.muserving.lbbench.LbBench;
import dev.muserving.lbbench.LbBenchOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mu lb-bench}: Mu's activator-lb against nginx and HAProxy, in front of the same queue-proxies. */
@Command(
        name = "lb-bench",
        mixinStandardHelpOptions = true,
        description = "Starts N function processes, each behind a queue-proxy, and loads them with wrk directly and through "
                + "Mu's activator-lb (mu and round-robin routing), nginx (round robin) and HAProxy (leastconn), in rotating rounds, "
                + "then at fixed rates (vegeta, or Mu's own open-loop generator). Writes lb-bench.json and prints tables. Needs wrk, nginx and haproxy (Debian packages wrk, nginx-light, haproxy); "
                + "installs nothing. Details: docs/dataplane.md.")
final class LbBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--backends", defaultValue = "4", description = "Function pods behind every target (default: ${DEFAULT-VALUE}).")
    int backends;

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "Measured time per target, e.g. 20s or 1m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--connections", defaultValue = "64", description = "wrk connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--threads", defaultValue = "2", description = "wrk threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rounds", defaultValue = "4", description = "Rounds over all targets; each gets duration / rounds per round (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class,
            description = "A warm-up period: each backend, then each target, runs periods until its throughput is steady "
                    + "(within 5 %% of the last) (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--warmup-limit", defaultValue = "90s", converter = DurationConverter.class,
            description = "The most warm-up one backend or target gets (default: ${DEFAULT-VALUE}).")
    Duration warmupLimit;

    @Option(names = "--service-ms", defaultValue = "1", description = "Each request's wait in the function, ms (default: ${DEFAULT-VALUE}).")
    double serviceMillis;

    @Option(names = "--cpu-ms", defaultValue = "0", description = "CPU each request burns in the function, ms (default: ${DEFAULT-VALUE}).")
    double cpuMillis;

    @Option(names = "--container-concurrency", defaultValue = "0",
            description = "The queue-proxies' limit, 0 for none (default: ${DEFAULT-VALUE}).")
    int containerConcurrency;

    @Option(names = "--balancers", description = "Event loops of the activator-lb (default: the number of cores, or of --balancer-cpus).")
    Integer balancers;

    @Option(names = "--balancer-cpus", paramLabel = "LIST",
            description = "Run each balancer (activator-lb, netty-floor, nginx, HAProxy) on these CPUs only, e.g. 1, and the backends, "
                    + "wrk and vegeta on the others (taskset): what a balancer adds is then its own work, not its wait for a core "
                    + "it shares with the load generator (default: no pinning).")
    String balancerCpus;

    @Option(names = "--targets", split = ",", description = "Targets to measure (default: all): direct, mu, mu-round-robin, netty-floor (a bare proxy on Netty: the floor for a JVM proxy), nginx, haproxy.")
    List<String> targets;

    @Option(names = "--fixed-rate", split = ",", defaultValue = "25,50,75",
            description = "Open-loop rates, each a percentage of the direct path's measured throughput; none for no "
                    + "fixed-rate runs (default: ${DEFAULT-VALUE}). vegeta comes from the PATH or deploy/testenv/testenv.sh build.")
    List<String> fixedRate;

    @Option(names = "--fixed-rps", split = ",",
            description = "Open-loop rates in requests per second, run after the --fixed-rate ones, e.g. 500,1000,2000: "
                    + "rates the load generator can send beside the targets on a small machine (default: none).")
    List<Integer> fixedRps;

    @Option(names = "--fixed-rate-duration", defaultValue = "10s", converter = DurationConverter.class,
            description = "Each target's run at each fixed rate (default: ${DEFAULT-VALUE}).")
    Duration fixedRateDuration;

    @Option(names = "--fixed-rate-rounds", defaultValue = "1",
            description = "Runs of every target at each fixed rate, in an order that rotates; the figures are medians over them, "
                    + "and p99 - direct is taken in each round, so a spell in one run moves one round (default: ${DEFAULT-VALUE}).")
    int fixedRateRounds;

    @Option(names = "--load-generator", defaultValue = "vegeta",
            description = "What sends the fixed rates: vegeta, or netty (Mu's open-loop generator on one Netty event loop, kept up "
                    + "across runs; latency counted from when each request was due; far cheaper per request than vegeta, which "
                    + "matters when it shares a core with the backends) (default: ${DEFAULT-VALUE}).")
    String loadGenerator;

    @Option(names = "--profile", description = "Record the activator-lb processes with JFR, into OUT/work/activator-<routing>.jfr "
            + "(scripts/flamegraph.py draws one).")
    boolean profile;

    @Option(names = "--out", defaultValue = "bench-out/lb", description = "Directory for lb-bench.json and the logs (default: ${DEFAULT-VALUE}).")
    Path out;

    /** Enough for every target to stop within its own grace (5 s), the backends after them. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    @Override
    public Integer call() {
        CpuPinning pinning = balancerCpus == null ? CpuPinning.NONE : CpuPinning.balancersOn(balancerCpus);
        int cores = pinning.pinned() ? pinning.balancers().size() : Runtime.getRuntime().availableProcessors();
        LbBenchOptions options = new LbBenchOptions(backends, duration, connections, threads, rounds, warmup, warmupLimit,
                serviceMillis, cpuMillis,
                containerConcurrency, balancers == null ? cores : balancers,
                targets == null ? LbBenchOptions.ALL_TARGETS : targets, percents(fixedRate), fixedRps == null ? List.of() : fixedRps, fixedRateDuration, fixedRateRounds, profile, pinning,
                FixedRateGenerator.Kind.named(loadGenerator));
        LbBench bench = new LbBench(options, out, spec.commandLine().getErr());
        LbBench.Result figures;
        Path file;
        bench.requireTools(); // before --out is made: a run that cannot start leaves nothing behind
        OutputDirectory.create("--out", out);
        try {
            Files.deleteIfExists(out.resolve(LbBench.RESULT_FILE)); // an earlier run's, which an interrupted one must not seem to have written
        } catch (IOException e) {
            spec.commandLine().getErr().println("mu lb-bench: cannot replace " + out.resolve(LbBench.RESULT_FILE) + ": " + e.getMessage());
            return 1;
        }
        // SIGTERM or Ctrl-C: the run is interrupted and stops what it started (nginx's workers included) before the JVM goes
        try (OnShutdown stop = OnShutdown.interrupting("mu-lb-bench-stop", STOP_GRACE)) {
            figures = bench.run();
            file = bench.write(figures);
        } catch (IOException e) {
            spec.commandLine().getErr().println("mu lb-bench: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().print(bench.table(figures));
        spec.commandLine().getOut().println("wrote " + file);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static List<Integer> percents(List<String> values) {
        if (values.size() == 1 && values.get(0).equals("none")) {
            return List.of();
        }
        try {
            return values.stream().map(String::trim).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new BadInputException("--fixed-rate takes percentages such as 25,50,75, or none; got " + String.join(",", values));
        }
    }
}
