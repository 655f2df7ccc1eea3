package dev.muserving.lbbench;

import dev.muserving.api.BadInputException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How `mu lb-bench` runs.
 *
 * @param duration measured time per target, split over the rounds
 * @param rounds every target runs once per round, in an order that rotates, so drift hits all alike
 * @param warmup a warm-up period; each backend and target runs periods until its throughput is steady
 * @param warmupLimit the most warm-up one backend or target gets
 * @param balancers event loops of the activator-lb (nginx and HAProxy use one worker per core)
 * @param fixedRatePercents open-loop rates, each a percentage of the direct path's closed-loop
 *     throughput; empty for none
 * @param fixedRps open-loop rates in requests per second, run after the percentages; empty for none
 * @param fixedRateDuration each target's run at each fixed rate
 * @param fixedRateRounds runs of every target at each fixed rate, in an order that rotates; figures
 *     are medians over them
 * @param profile record the activator-lb processes with JFR ({@code work/activator-<routing>.jfr})
 * @param pinning the CPUs of the balancers and of everything else, or {@link CpuPinning#NONE}
 * @param loadGenerator what sends the fixed rates
 */
public record LbBenchOptions(
        int backends,
        Duration duration,
        int connections,
        int threads,
        int rounds,
        Duration warmup,
        Duration warmupLimit,
        double serviceMillis,
        double cpuMillis,
        int containerConcurrency,
        int balancers,
        List<String> targets,
        List<Integer> fixedRatePercents,
        List<Integer> fixedRps,
        Duration fixedRateDuration,
        int fixedRateRounds,
        boolean profile,
        CpuPinning pinning,
        FixedRateGenerator.Kind loadGenerator) {

    public static final List<String> ALL_TARGETS = List.of("direct", "mu", "mu-round-robin", "netty-floor", "nginx", "haproxy");
    static final int MAX_BACKENDS = 64;
    static final int MAX_CONTAINER_CONCURRENCY = 1000;
    /** What the emulated function takes for a service or CPU time: up to an hour. */
    static final double MAX_MILLIS = 3_600_000;

    /** Checked here, where the option is named, not in a backend that exits at start (it said only that it did not start). */
    private static void millis(String option, double value) {
        if (!(value >= 0 && value <= MAX_MILLIS)) {
            throw new BadInputException(option + " " + value + ": from 0 to " + (long) MAX_MILLIS + " ms");
        }
    }

    public LbBenchOptions {
        if (backends < 1 || connections < 1 || threads < 1 || rounds < 1 || balancers < 1 || fixedRateRounds < 1) {
            throw new BadInputException("--backends, --connections, --threads, --rounds, --balancers and --fixed-rate-rounds must be at least 1");
        }
        if (backends > MAX_BACKENDS) {
            throw new BadInputException("--backends " + backends + ": at most " + MAX_BACKENDS
                    + " (each is a function process and a queue-proxy process, some 200 MB together)");
        }
        millis("--service-ms", serviceMillis);
        millis("--cpu-ms", cpuMillis);
        if (containerConcurrency < 0 || containerConcurrency > MAX_CONTAINER_CONCURRENCY) {
            throw new BadInputException("--container-concurrency " + containerConcurrency + ": from 0 (no limit) to "
                    + MAX_CONTAINER_CONCURRENCY + ", as a Function's containerConcurrency");
        }
        if (threads > connections) {
            throw new BadInputException("--threads (" + threads + ") must not exceed --connections (" + connections + "): wrk needs a connection per thread");
        }
        if (warmupLimit.compareTo(warmup) < 0) {
            throw new BadInputException("--warmup-limit (" + warmupLimit.toSeconds() + "s) must be at least --warmup (" + warmup.toSeconds() + "s)");
        }
        if (duration.toMillis() < rounds * 1000L) {
            throw new BadInputException("--duration " + duration.toSeconds() + "s is too short for " + rounds + " rounds: each run needs at least 1 s");
        }
        // wrk and the generators run whole seconds: 500ms ran as 1 s, past --warmup-limit, and 2.5s as 2 s (an outside probe)
        wholeSeconds("--warmup", warmup);
        wholeSeconds("--warmup-limit", warmupLimit);
        wholeSeconds("--fixed-rate-duration", fixedRateDuration);
        if (duration.toMillis() % (rounds * 1000L) != 0) {
            throw new BadInputException(String.format(Locale.ROOT, "--duration %s over --rounds %d gives %.3f s a run; wrk runs whole"
                    + " seconds: give a --duration that --rounds divides into whole seconds", DurationText.of(duration), rounds,
                    duration.toMillis() / 1000.0 / rounds));
        }
        for (String target : targets) {
            if (!ALL_TARGETS.contains(target)) {
                throw new BadInputException("unknown target '" + target + "'; known targets: " + String.join(", ", ALL_TARGETS));
            }
        }
        targets = List.copyOf(targets);
        for (int percent : fixedRatePercents) {
            if (percent < 1 || percent > 200) {
                throw new BadInputException("--fixed-rate " + percent + ": a rate is a percentage of the direct path's throughput, 1 to 200");
            }
        }
        fixedRatePercents = List.copyOf(fixedRatePercents);
        for (int rps : fixedRps) {
            if (rps < 1) {
                throw new BadInputException("--fixed-rps " + rps + ": a rate must be at least 1 request per second");
            }
        }
        fixedRps = List.copyOf(fixedRps);
        pinning = pinning == null ? CpuPinning.NONE : pinning;
        loadGenerator = loadGenerator == null ? FixedRateGenerator.Kind.VEGETA : loadGenerator;
        if ((!fixedRatePercents.isEmpty() || !fixedRps.isEmpty()) && fixedRateDuration.toSeconds() < 1) {
            throw new BadInputException("--fixed-rate-duration must be at least 1s");
        }
    }

    private static void wholeSeconds(String option, Duration value) {
        if (value.toMillis() % 1000 != 0) {
            throw new BadInputException(option + " must be whole seconds (wrk and the load generators run whole seconds), got "
                    + DurationText.of(value));
        }
    }

    Duration perRun() {
        return duration.dividedBy(rounds);
    }
}
