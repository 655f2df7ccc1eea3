package dev.muserving.lbbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Open-loop load at a fixed rate with vegeta: requests leave on schedule whether or not earlier ones
 * were answered, so latency is the target's and not the load generator's waiting (wrk's closed loop
 * at saturation measures mostly the wait for a core). Each request's result is read back from
 * vegeta's CSV encoding.
 */
final class Vegeta implements FixedRateGenerator {

    /**
     * At most this many connections to a target. vegeta otherwise opens one more each time every
     * connection is busy, and closes them all when it exits: targets that fell behind for a moment
     * left thousands of sockets each in TIME_WAIT for a minute (27,222 after one run here), and the
     * runs after them failed to connect ("bind: address already in use": the 28,232 ephemeral ports
     * were taken). A request that waits for one of these connections waits on the clock, as a
     * client would.
     */
    static final int MAX_CONNECTIONS = 1_000;

    private final Path binary;
    private final Path dir;
    private final CpuPinning pinning;
    private int runs;

    Vegeta(Path binary, Path dir, CpuPinning pinning) {
        this.binary = binary;
        this.dir = dir;
        this.pinning = pinning;
    }

    /**
     * Attacks for {@code warmup} plus {@code duration}. The requests sent after the warm-up are the
     * counted figures; the first seconds measure vegeta opening its connections and the target
     * accepting them and stepping up from idle to the rate (a p50 of 400 ms in the first second,
     * 10 ms after, in a run here), and are kept apart as the run's start.
     */
    @Override
    public LbBench.FixedRun attack(String url, double rps, Duration warmup, Duration duration) throws IOException {
        int n = ++runs;
        Path targets = dir.resolve("vegeta-" + n + ".targets");
        Path results = dir.resolve("vegeta-" + n + ".bin");
        Path csv = dir.resolve("vegeta-" + n + ".csv");
        Path log = dir.resolve("vegeta-" + n + ".log");
        Files.writeString(targets, "GET " + url + "\n");
        long seconds = Math.max(1, duration.toSeconds()) + warmup.toSeconds();
        run("attack", pinning.load(List.of(binary.toString(), "attack", "-rate=" + Math.max(1, Math.round(rps)) + "/1s", "-duration=" + seconds + "s",
                "-timeout=10s", "-max-connections=" + MAX_CONNECTIONS, "-targets=" + targets, "-output=" + results)), log, seconds + 30);
        run("encode", List.of(binary.toString(), "encode", "-to=csv", "-output=" + csv, results.toString()), log, 60);
        return Results.read(csv).run(warmup);
    }

    private static void run(String subcommand, List<String> command, Path log, long timeoutSeconds) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        int exit = Tools.run(builder, timeoutSeconds, "vegeta " + subcommand, log);
        if (exit != 0) {
            throw new IOException("vegeta " + subcommand + " failed (exit " + exit + "): " + Files.readString(log).trim());
        }
    }

    /** Each request of a run as vegeta's CSV has it: start (ns), status code, latency (ns); {@code size} of them. */
    record Results(long[] starts, int[] codes, long[] latencies, int size) {

        static Results read(Path csv) throws IOException {
            return parse(Files.readAllLines(csv, StandardCharsets.UTF_8));
        }

        /** The run's figures: counted after {@code warmup}, and its start before it. */
        LbBench.FixedRun run(Duration warmup) {
            return new LbBench.FixedRun(figures(warmup, null), figures(Duration.ZERO, warmup));
        }

        /** From vegeta's CSV lines: timestamp in ns, status code, latency in ns, then fields not read. */
        static Results parse(List<String> lines) {
            int size = 0;
            long[] starts = new long[lines.size()];
            long[] latencies = new long[lines.size()];
            int[] codes = new int[lines.size()];
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", 4);
                try {
                    starts[size] = Long.parseLong(fields[0]);
                    codes[size] = Integer.parseInt(fields[1]);
                    latencies[size] = Long.parseLong(fields[2]);
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                    throw new IllegalArgumentException("not a vegeta CSV line: " + line);
                }
                size++;
            }
            return new Results(starts, codes, latencies, size);
        }

        /**
         * The requests sent from {@code from} after the first until {@code until} after it (to the
         * end when null): the rate achieved (requests over the span of their start times), latency
         * percentiles of every request, and errors (no HTTP answer, or not 2xx/3xx).
         */
        LbBench.RateFigures figures(Duration from, Duration until) {
            long zero = size == 0 ? 0 : Arrays.stream(starts, 0, size).min().orElseThrow();
            long since = zero + from.toNanos();
            long before = until == null ? Long.MAX_VALUE : zero + until.toNanos();
            long[] kept = new long[size];
            int n = 0;
            long errors = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                if (starts[i] < since || starts[i] >= before) {
                    continue;
                }
                kept[n++] = latencies[i];
                first = Math.min(first, starts[i]);
                last = Math.max(last, starts[i]);
                if (codes[i] < 200 || codes[i] >= 400) {
                    errors++;
                }
            }
            if (n == 0) {
                return new LbBench.RateFigures(0, 0, 0, 0, 0, 0);
            }
            long[] sorted = Arrays.copyOf(kept, n);
            Arrays.sort(sorted);
            double span = (last - first) / 1e9;
            return new LbBench.RateFigures(span > 0 ? (n - 1) / span : n, millis(sorted, 0.50), millis(sorted, 0.99),
                    millis(sorted, 0.999), errors, n);
        }
    }

    /** The nearest-rank percentile. */
    private static double millis(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
