package dev.muserving.emulate;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.ArrivalProcess;
import dev.muserving.bench.sim.DemandModel;
import dev.muserving.bench.sim.OfferedLoad;
import dev.muserving.bench.sim.FunctionStats;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.bench.sim.Seeds;
import dev.muserving.dataplane.function.EmulatedFunction;
import dev.muserving.load.AsyncRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * A scenario's arrivals sent in real time to a {@link ReplayTarget} and measured into the same
 * {@link RunResult} the simulator gives. Arrival times and request sizes come from the simulator's
 * arrival processes and seed streams, and each request carries its size to the emulated function
 * ({@link EmulatedFunction#SERVICE_QUANTILE_HEADER}), so every mode replays the same requests at the
 * same times; pods are sampled once a second.
 */
public final class Replay {

    /** How long one request may take before it counts as dropped. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Three of mu local's placement periods: long enough that a pod still to be placed would have been. */
    static final Duration SETTLED = Duration.ofSeconds(6);

    private final Scenario scenario;
    private final String system;
    private final double seconds;
    private final Consumer<String> log;

    public Replay(Scenario scenario, String system, double maxSeconds, Consumer<String> log) {
        this.scenario = scenario;
        this.system = system;
        this.seconds = Math.min(scenario.durationSeconds(), maxSeconds);
        this.log = log;
    }

    /**
     * Waits until each function has {@code warm} ready pods (the autoscaler's initial scale), or
     * until the cluster has settled short of that: some pod ready, none starting, nothing changed for
     * {@link #SETTLED}. A {@code minScale} above what the nodes hold then replays with the pods that
     * fit, as the simulator does, where it once waited out the timeout (found by an outside probe).
     */
    public void awaitWarm(ReplayTarget target, Map<FunctionKey, Integer> warm, Duration within, String whereToLook) {
        long deadline = System.nanoTime() + within.toNanos();
        log.accept("replay: waiting for " + warm.size() + " functions' first pods");
        List<String> notReady = List.of();
        Map<FunctionKey, List<Integer>> seen = Map.of();
        long unchangedSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Map<FunctionKey, ReplayTarget.Pods> now = target.pods();
            notReady = warm.entrySet().stream().filter(w -> w.getValue() > 0).flatMap(w -> {
                int ready = now.containsKey(w.getKey()) ? now.get(w.getKey()).readyTotal() : 0;
                return ready >= w.getValue() ? Stream.<String>empty() : Stream.of(w.getKey() + " (" + ready + " of " + w.getValue() + " ready)");
            }).toList();
            if (notReady.isEmpty()) {
                return;
            }
            Map<FunctionKey, List<Integer>> counts = new HashMap<>();
            now.forEach((key, pods) -> counts.put(key, List.of(pods.readyTotal(), pods.starting())));
            if (!counts.equals(seen)) {
                seen = counts;
                unchangedSince = System.nanoTime();
            } else if (System.nanoTime() - unchangedSince >= SETTLED.toNanos()
                    && now.values().stream().allMatch(p -> p.starting() == 0) && now.values().stream().anyMatch(p -> p.readyTotal() > 0)) {
                log.accept("replay: the cluster holds no more first pods of " + String.join(", ", notReady)
                        + "; replaying with the pods that run, as the simulator does");
                return;
            }
            LockSupport.parkNanos(100_000_000L);
        }
        throw new IllegalStateException("the first pods of " + String.join(", ", notReady) + " were not ready within "
                + within.toSeconds() + " s (does the cluster hold them all?); " + whereToLook);
    }

    /** Replays {@code functions}, the scenario's in order, against {@code target}. */
    public RunResult run(ReplayTarget target, List<FunctionKey> functions) {
        List<FunctionModel> models = scenario.functions();
        FunctionStats[] stats = new FunctionStats[models.size()];
        long[] startsBefore = new long[models.size()];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = new FunctionStats();
            startsBefore[i] = target.podsStarted(functions.get(i));
        }
        try (AsyncRequests requests = new AsyncRequests("mu-replay")) {
            send(target, functions, stats, requests);
        }
        List<RunResult.FunctionResult> results = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            stats[i].recordPodStarts(target.podsStarted(functions.get(i)) - startsBefore[i]);
            results.add(new RunResult.FunctionResult(models.get(i), stats[i]));
        }
        return new RunResult(system, seconds, REQUEST_TIMEOUT.toMillis() / 1000.0, results, new RunResult.RunFootprint(0, 0));
    }

    private void send(ReplayTarget target, List<FunctionKey> functions, FunctionStats[] stats, AsyncRequests requests) {
        record Next(double at, int function) {}
        List<FunctionModel> models = scenario.functions();
        PriorityQueue<Next> queue = new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
        ArrivalProcess[] arrivals = new ArrivalProcess[models.size()];
        RandomGenerator[] sizes = new RandomGenerator[models.size()];
        for (int i = 0; i < models.size(); i++) {
            arrivals[i] = Seeds.arrivals(scenario.seed(), i, models.get(i).arrival());
            sizes[i] = Seeds.sizes(scenario.seed(), i);
            queue.add(new Next(arrivals[i].next(0), i));
        }
        int[] readyNow = new int[models.size()];
        long[] arrivalsSinceSample = new long[models.size()];
        DemandModel[] demand = models.stream().map(DemandModel::of).toArray(DemandModel[]::new);
        OfferedLoad[] offered = Arrays.stream(demand).map(DemandModel::offeredLoad).toArray(OfferedLoad[]::new);
        long start = System.nanoTime();
        double nextSample = 0;
        while (!queue.isEmpty() && queue.peek().at() < seconds) {
            Next next = queue.poll();
            while (nextSample <= next.at()) {
                LockSupport.parkNanos(start + (long) (nextSample * 1e9) - System.nanoTime());
                sample(target, functions, stats, readyNow, demand, offered, arrivalsSinceSample, nextSample);
                if (((long) nextSample) % 10 == 0 && nextSample > 0) {
                    log.accept(String.format(Locale.ROOT, "replay: %s %.0f of %.0f s", system, nextSample, seconds));
                }
                nextSample += 1;
            }
            LockSupport.parkNanos(start + (long) (next.at() * 1e9) - System.nanoTime());
            int i = next.function();
            arrivalsSinceSample[i]++;
            record(target, functions.get(i), models.get(i), sizes[i].nextGaussian(), stats[i], readyNow[i] == 0, requests);
            queue.add(new Next(arrivals[i].next(next.at()), i));
        }
        while (nextSample < seconds) {
            LockSupport.parkNanos(start + (long) (nextSample * 1e9) - System.nanoTime());
            sample(target, functions, stats, readyNow, demand, offered, arrivalsSinceSample, nextSample);
            nextSample += 1;
        }
        requests.awaitAnswers(REQUEST_TIMEOUT);
    }

    /**
     * One second of pods: pod-seconds by architecture, the system's own desired replicas met, and
     * the second's arrivals as demand against the ready pods' capacity (the simulator's measures).
     */
    private static void sample(ReplayTarget target, List<FunctionKey> functions, FunctionStats[] stats, int[] readyNow,
            DemandModel[] demand, OfferedLoad[] offered, long[] arrivalsSinceSample, double second) {
        double dt = second == 0 ? 0 : 1;
        Map<FunctionKey, ReplayTarget.Pods> now = target.pods();
        for (int i = 0; i < functions.size(); i++) {
            ReplayTarget.Pods pods = now.get(functions.get(i));
            Map<Arch, Integer> ready = pods == null ? Map.of() : pods.ready();
            readyNow[i] = pods == null ? 0 : pods.readyTotal();
            synchronized (stats[i]) {
                if (pods != null) {
                    stats[i].recordPods(ready, pods.desired(), pods.readyTotal() + pods.starting(), dt);
                }
                if (dt > 0) {
                    stats[i].recordDemand(offered[i].sample(second - dt, second, arrivalsSinceSample[i]), demand[i].capacity(ready), dt);
                }
            }
            arrivalsSinceSample[i] = 0;
        }
    }

    private static void record(ReplayTarget target, FunctionKey function, FunctionModel model, double size, FunctionStats stats,
            boolean noPodReady, AsyncRequests requests) {
        synchronized (stats) {
            stats.recordArrival(noPodReady);
        }
        Map<String, String> headers = Map.of(EmulatedFunction.SERVICE_QUANTILE_HEADER, Double.toString(size));
        requests.send(target.endpoint(function), null, headers, REQUEST_TIMEOUT, (code, nanos, answer) -> {
            Optional<Arch> servedOn = answer.firstValue(EmulatedFunction.ARCH_HEADER).flatMap(Arch::fromLabel);
            synchronized (stats) {
                if (code == AsyncRequests.NO_ANSWER || code >= 400) {
                    stats.recordDrop();
                } else {
                    stats.recordLatency(nanos / 1e9, model.spec().sloP99Ms() / 1000);
                    servedOn.ifPresent(stats::recordServedOn);
                }
            }
        });
    }
}
