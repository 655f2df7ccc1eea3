package dev.muserving.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.muserving.dataplane.ChildProcess;
import dev.muserving.dataplane.ServerVertx;
import dev.muserving.lbbench.DurationText;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code mu soak}: {@code mu local} as a user runs it, in a process of its own, under mixed
 * open-loop load for a long time while a function process is killed every so often. Before and
 * after, with the system quiet, the process's heap after a full collection, its resident memory and
 * its file descriptors are read, so that a leak shows as a difference. Every request that did not
 * get the right answer is counted by cause; those that were in flight to a function whose process
 * was killed at that moment are counted apart, since no proxy can save a request its function was
 * running when it died (unless it may be sent again: GETs are).
 */
public final class Soak {

    private static final Pattern SERVING = Pattern.compile("serving \\d+ function\\(s\\) on http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern READY = Pattern.compile("\\S+ on \\S+: ready$");
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final int FAILURES_LISTED = 200;
    /** How long after a kill a request sent to its function still counts as the killed pod's. */
    static final Duration LEAVING = Duration.ofMillis(250);
    private static final String NOT_AT_REST = " (not at rest: the functions' pods are not back at their minimum scale)";

    /** A function process the soak killed. */
    record Kill(long atNanos, String function, long pid) {}

    private final SoakOptions options;
    private final List<String> muCommand;
    private final Path out;
    private final PrintWriter progress;
    private final List<String> muOutput = new CopyOnWriteArrayList<>();

    /**
     * @param muCommand how to run the mu CLI, e.g. {@code [java, -cp, mu.jar, dev.muserving.cli.Mu]}
     * @param out where soak.json, the functions and the logs go
     */
    public Soak(SoakOptions options, List<String> muCommand, Path out, PrintWriter progress) {
        this.options = options;
        this.muCommand = List.copyOf(muCommand);
        this.out = out;
        this.progress = progress;
    }

    /** What the soak found; {@link #passed()} when every check holds. */
    public record Result(Map<String, Object> json, boolean passed, Path file) {}

    public Result run() throws IOException, InterruptedException {
        Path work = Files.createDirectories(out.resolve("work"));
        Files.deleteIfExists(out.resolve("soak.json")); // an earlier run's, which an interrupted one must not seem to have written
        Path functions = SoakFunctions.write(work.resolve("functions"));
        Vertx vertx = Vertx.vertx(ServerVertx.options());
        Process mu = startMuLocal(functions, work);
        ScheduledExecutorService side = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "mu-soak");
            t.setDaemon(true);
            return t;
        });
        try {
            int port = awaitServing(mu);
            awaitAnswers(vertx, port);
            ProcessProbe probe = new ProcessProbe(mu.pid(), work);
            long zero = System.nanoTime();
            MixedLoad load = new MixedLoad(vertx, port, SoakFunctions.KINDS, options.requestTimeout());
            side.scheduleAtFixedRate(() -> {
                if (!mu.isAlive()) {
                    load.stop();
                }
            }, 1, 1, TimeUnit.SECONDS);

            say("warm-up: %d s of load at %.0f requests/s", options.warmUp().toSeconds(), options.rate());
            load.run(options.rate(), options.warmUp(), options.seed() ^ 0x5eed, zero, new Outcomes());
            requireAlive(mu);
            quiet(options.quiet());
            boolean restedAtStart = rest(probe, mu);
            ProcessProbe.Reading start = probe.read();
            restedAtStart &= start.functionProcesses().equals(SoakFunctions.AT_REST);
            say("start: %s%s", describe(start), restedAtStart ? "" : NOT_AT_REST);

            Outcomes outcomes = new Outcomes();
            List<Kill> kills = new CopyOnWriteArrayList<>();
            long soakStart = System.nanoTime();
            RandomGenerator killChoice = RandomGeneratorFactory.of("L64X128MixRandom").create(options.seed() * 31 + 7);
            long every = options.killEvery().toMillis();
            side.scheduleAtFixedRate(() -> kill(probe, killChoice, kills), every, every, TimeUnit.MILLISECONDS);
            side.scheduleAtFixedRate(() -> say("%4d s  %s  kills %d", seconds(System.nanoTime() - soakStart), describe(outcomes), kills.size()),
                    PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            say("soak: %d s of load at %.0f requests/s, a function process killed every %d s", options.duration().toSeconds(), options.rate(),
                    options.killEvery().toSeconds());
            load.run(options.rate(), options.duration(), options.seed(), zero, outcomes);
            side.shutdownNow();
            requireAlive(mu);
            double soakSeconds = (System.nanoTime() - soakStart) / 1e9;

            quiet(options.quiet());
            boolean restedAtEnd = rest(probe, mu);
            ProcessProbe.Reading end = probe.read();
            // a replacement pod can start between the wait and the reading: what counts is what the reading saw
            restedAtEnd &= end.functionProcesses().equals(SoakFunctions.AT_REST);
            say("end:   %s%s", describe(end), restedAtEnd ? "" : NOT_AT_REST);
            Map<String, Object> json = report(outcomes, kills, soakStart, soakSeconds, start, end, restedAtStart && restedAtEnd);
            Path file = out.resolve("soak.json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
            @SuppressWarnings("unchecked")
            Map<String, Boolean> checks = (Map<String, Boolean>) json.get("checks");
            return new Result(json, checks.values().stream().allMatch(Boolean::booleanValue), file);
        } finally {
            side.shutdownNow();
            stop(mu);
            vertx.close();
        }
    }

    /** mu local gone in the middle: nothing after that measures it, and the run says so instead of reading a dead process. */
    private void requireAlive(Process mu) throws IOException, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted");
        }
        if (!mu.isAlive()) {
            throw new IOException("mu local exited (" + ChildProcess.describeExit(mu.exitValue()) + ") during the soak; its output is in "
                    + out.resolve("work").resolve("mu-local.log"));
        }
    }

    private Process startMuLocal(Path functions, Path work) throws IOException {
        List<String> command = new ArrayList<>(muCommand);
        command.addAll(List.of("local", "-f", functions.toString(), "--port", "0", "--metrics-port", "0", "--no-view",
                "--logs", work.resolve("logs").toString()));
        // mu local stops its pods on SIGTERM, which it also gets if this JVM dies without stopping it
        Process mu = new ProcessBuilder(ChildProcess.withParentDeathSignal("TERM", command)).redirectErrorStream(true).start();
        Path log = work.resolve("mu-local.log");
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(mu.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    muOutput.add(line);
                    copy.println(line);
                }
            } catch (IOException e) {
                // mu local is gone
            }
        }, "mu-soak-output");
        reader.setDaemon(true);
        reader.start();
        return mu;
    }

    private int awaitServing(Process mu) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (String line : muOutput) {
                Matcher serving = SERVING.matcher(line);
                if (serving.find()) {
                    return Integer.parseInt(serving.group(1));
                }
            }
            if (!mu.isAlive()) {
                throw new IOException("mu local exited (" + mu.exitValue() + ") before it served: " + String.join(" | ", muOutput));
            }
            Thread.sleep(100);
        }
        throw new IOException("mu local did not say it serves within 120 s: " + String.join(" | ", muOutput));
    }

    /** The functions that keep a pod answer (the bursty one starts at zero). */
    private void awaitAnswers(Vertx vertx, int port) throws IOException, InterruptedException {
        for (String path : SoakFunctions.ALWAYS_ON) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                Integer status = MixedLoad.probe(vertx, port, path).toCompletionStage().toCompletableFuture()
                        .handle((s, e) -> e == null ? s : null).join();
                if (status != null && status == 200) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(path + " did not answer 200 within 120 s (last: " + status + "); see " + out.resolve("work"));
                }
                Thread.sleep(200);
            }
        }
    }

    /** SIGKILL to one of mu local's function processes, chosen by the seeded generator among them in pid order. */
    private static void kill(ProcessProbe probe, RandomGenerator choice, List<Kill> kills) {
        List<Map.Entry<Long, String>> candidates = List.copyOf(probe.functionsByPid().entrySet());
        if (candidates.isEmpty()) {
            return;
        }
        Map.Entry<Long, String> victim = candidates.get(choice.nextInt(candidates.size()));
        long at = System.nanoTime();
        if (ProcessHandle.of(victim.getKey()).map(ProcessHandle::destroyForcibly).orElse(false)) {
            kills.add(new Kill(at, victim.getValue(), victim.getKey()));
        }
    }

    private void quiet(Duration period) throws InterruptedException {
        if (!period.isZero()) {
            say("quiet: %d s without load", period.toSeconds());
            Thread.sleep(period.toMillis());
        }
    }

    /**
     * Waits until every function is back at its minimum scale ({@link SoakFunctions#AT_REST}), so
     * that both readings see the same pods: scale-down, scale to zero and replacements done.
     */
    private boolean rest(ProcessProbe probe, Process mu) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + options.settleLimit().toNanos();
        while (!probe.functionProcesses().equals(SoakFunctions.AT_REST)) {
            requireAlive(mu);
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(500);
        }
        return true;
    }

    private void stop(Process mu) throws InterruptedException {
        mu.destroy(); // SIGTERM: mu local drains and stops its pods
        if (!mu.waitFor(60, TimeUnit.SECONDS)) {
            mu.descendants().forEach(ProcessHandle::destroyForcibly);
            mu.destroyForcibly();
        }
    }

    private Map<String, Object> report(Outcomes outcomes, List<Kill> kills, long soakStart, double soakSeconds,
            ProcessProbe.Reading start, ProcessProbe.Reading end, boolean atRest) {
        List<Outcomes.Failure> held = new ArrayList<>();
        List<Outcomes.Failure> errors = new ArrayList<>();
        for (Outcomes.Failure failure : outcomes.failures()) {
            (heldByKilledPod(failure, kills) ? held : errors).add(failure);
        }
        Map<String, Object> requests = new LinkedHashMap<>();
        requests.put("sent", outcomes.sent());
        requests.put("ok", outcomes.ok());
        requests.put("heldByKilledPods", held.size());
        requests.put("heldByKilledPodsByCause", Outcomes.byCause(held));
        requests.put("errors", errors.size() + outcomes.unanswered() + outcomes.dropped());
        Map<String, Long> causes = Outcomes.byCause(errors);
        if (outcomes.unanswered() > 0) {
            causes.put("no answer within the request timeout", outcomes.unanswered());
        }
        if (outcomes.dropped() > 0) {
            causes.put("not sent: " + MixedLoad.MAX_IN_FLIGHT + " requests already in flight", outcomes.dropped());
        }
        requests.put("errorsByCause", causes);
        requests.put("failures", failures(outcomes.failures(), kills, soakStart));
        Histogram latency = outcomes.latencyMicros();
        Map<String, Object> latencyMs = new LinkedHashMap<>();
        latencyMs.put("p50", millis(latency, 50));
        latencyMs.put("p99", millis(latency, 99));
        latencyMs.put("p999", millis(latency, 99.9));
        latencyMs.put("max", latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0);
        requests.put("latencyMs", latencyMs);

        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("noErrorsButRequestsHeldByKilledPods", errors.isEmpty() && outcomes.unanswered() == 0 && outcomes.dropped() == 0);
        checks.put("heapAfterGcWithin10PercentOfStart", end.heapAfterGcBytes() <= start.heapAfterGcBytes() * 1.10);
        checks.put("fileDescriptorsBackToStart", end.fds() <= start.fds());
        checks.put("functionsAtMinimumScaleAtBothReadings", atRest);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", String.format(Locale.ROOT, "mu soak --duration %s --kill-every %s --rate %s --seed %d --warm-up %s --quiet %s"
                + " --settle-limit %s", DurationText.of(options.duration()), DurationText.of(options.killEvery()), options.rate(),
                options.seed(), DurationText.of(options.warmUp()), DurationText.of(options.quiet()), DurationText.of(options.settleLimit())));
        json.put("when", Instant.now().toString());
        json.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "os", System.getProperty("os.name") + " "
                + System.getProperty("os.arch"), "java", System.getProperty("java.version")));
        json.put("soakSeconds", Math.round(soakSeconds));
        json.put("requests", requests);
        json.put("kills", kills.stream().map(k -> Map.<String, Object>of("atSeconds", seconds(k.atNanos() - soakStart),
                "function", k.function(), "pid", k.pid())).toList());
        json.put("podsReady", muOutput.stream().filter(l -> READY.matcher(l).find()).count());
        json.put("start", reading(start));
        json.put("end", reading(end));
        json.put("checks", checks);
        return json;
    }

    /**
     * A failure is a killed pod's when its answer is a 502 and a process of its function was killed
     * while the request was in flight, or at most {@link #LEAVING} before it was sent: until mu local
     * sees the process exit and takes the pod out of the endpoints, the pod still gets requests, and
     * one written on a pooled connection the dead function has closed cannot be told from one the
     * function had read (both meet a closed connection).
     */
    static boolean heldByKilledPod(Outcomes.Failure failure, List<Kill> kills) {
        return failure.cause().startsWith("502 ") && kills.stream().anyMatch(k -> k.function().equals(failure.function())
                && k.atNanos() >= failure.sentAtNanos() - LEAVING.toNanos() && k.atNanos() <= failure.answeredAtNanos());
    }

    /** Each failed request (the first {@value #FAILURES_LISTED}), timed from the soak's start, beside the kill before it. */
    private static List<Map<String, Object>> failures(List<Outcomes.Failure> failures, List<Kill> kills, long soakStart) {
        return failures.stream().limit(FAILURES_LISTED).map(f -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("function", f.function());
            json.put("request", f.request());
            json.put("sentAtMs", millisSince(soakStart, f.sentAtNanos()));
            json.put("answeredAtMs", millisSince(soakStart, f.answeredAtNanos()));
            json.put("cause", f.cause());
            json.put("heldByKilledPod", heldByKilledPod(f, kills));
            kills.stream().filter(k -> k.function().equals(f.function()) && k.atNanos() <= f.answeredAtNanos())
                    .reduce((a, b) -> b).ifPresent(k -> json.put("lastKillOfItsFunctionAtMs", millisSince(soakStart, k.atNanos())));
            return json;
        }).toList();
    }

    private static long millisSince(long start, long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos - start);
    }

    private static Map<String, Object> reading(ProcessProbe.Reading r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("heapAfterGcBytes", r.heapAfterGcBytes());
        json.put("rssBytes", r.rssBytes());
        json.put("fds", r.fds());
        json.put("fdsByKind", r.fdsByKind());
        json.put("functionProcesses", r.functionProcesses());
        return json;
    }

    private static String describe(ProcessProbe.Reading r) {
        return String.format(Locale.ROOT, "heap after GC %.1f MiB, RSS %.1f MiB, %d fds, function processes %s",
                r.heapAfterGcBytes() / 1048576.0, r.rssBytes() / 1048576.0, r.fds(), r.functionProcesses());
    }

    private static String describe(Outcomes o) {
        return String.format(Locale.ROOT, "sent %,d  ok %,d  not ok %,d", o.sent(), o.ok(), o.failures().size());
    }

    private static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static long seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(nanos);
    }

    private void say(String format, Object... args) {
        progress.println("mu soak: " + String.format(Locale.ROOT, format, args));
        progress.flush();
    }
}
