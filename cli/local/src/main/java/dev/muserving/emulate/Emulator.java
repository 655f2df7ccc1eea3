package dev.muserving.emulate;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.ArrivalProcess;
import dev.muserving.bench.sim.FunctionStats;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.bench.sim.Seeds;
import dev.muserving.load.AsyncRequests;
import dev.muserving.local.FunctionStatus;
import dev.muserving.local.LocalFunction;
import dev.muserving.local.LocalNode;
import dev.muserving.local.LocalPolicies;
import dev.muserving.local.LocalSystem;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The emulation half of {@code mu bench}: a scenario replayed in real time through {@code mu local}
 * (the real activator-lb, queue-proxies and pods as processes, with the system's own policies),
 * measured into the same {@link RunResult} the simulator gives, so the two can be compared.
 *
 * <p>Each scenario function becomes a Function whose pods run the emulated function with the
 * scenario's log-normal service times for their architecture and its parallelism. Arrivals come
 * from the same arrival processes and seed streams as the simulator's; request sizes are drawn in
 * the pods, so the two runs see the same load, not the very same requests. The run is cut at
 * {@code maxSeconds} of real time. Pods start warm at the autoscaler's initial scale, as in the
 * simulator, and the clock starts once they are ready.
 */
public final class Emulator {

    private static final String NAMESPACE = "bench";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final Scenario scenario;
    private final String system;
    private final double seconds;
    private final Path logs;
    private final Consumer<String> log;

    /** @param system a name of {@code PolicySets}, as {@code mu local} runs it */
    public Emulator(Scenario scenario, String system, double maxSeconds, Path logs, Consumer<String> log) {
        LocalPolicies.named(system, scenario.seed()); // an unknown system is bad input before anything starts
        this.scenario = scenario;
        this.system = system;
        this.seconds = Math.min(scenario.durationSeconds(), maxSeconds);
        this.logs = logs;
        this.log = log;
    }

    public RunResult run() throws Exception {
        List<FunctionModel> models = scenario.functions();
        List<LocalFunction> functions = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            functions.add(localFunction(models.get(i), i));
        }
        List<LocalNode> nodes = scenario.cluster().nodes().stream().map(n -> new LocalNode(n, 1.0)).toList();
        FunctionStats[] stats = new FunctionStats[models.size()];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = new FunctionStats();
        }
        try (LocalSystem local = LocalSystem.start(LocalPolicies.named(system, scenario.seed()), "127.0.0.1", 0, 0, nodes, logs,
                functions, line -> { });
                Replay replay = new Replay(local.port())) {
            awaitWarm(local, functions);
            int[] startsBefore = functions.stream().mapToInt(f -> local.podsStarted(f.spec().name())).toArray();
            replay.run(local, functions, models, stats);
            for (int i = 0; i < stats.length; i++) {
                stats[i].recordPodStarts(local.podsStarted(functions.get(i).spec().name()) - startsBefore[i]);
            }
        }
        List<RunResult.FunctionResult> results = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            results.add(new RunResult.FunctionResult(models.get(i), stats[i]));
        }
        return new RunResult(system, seconds, results, new RunResult.RunFootprint(0, 0));
    }

    private LocalFunction localFunction(FunctionModel model, int index) {
        // scenario function names are DNS labels (ScenarioLoader and the workload generators make sure)
        FunctionKey key = new FunctionKey(NAMESPACE, model.name());
        FunctionSpec spec = model.spec().withName(key.toString());
        Map<Arch, LocalFunction.Spread> service = new EnumMap<>(Arch.class);
        model.serviceTimeMs().forEach((arch, d) -> service.put(arch, spread(d)));
        int parallelism = model.parallelism();
        return new LocalFunction(key, scenario.name() + " (emulated)", spec,
                new LocalFunction.Modelled(service, parallelism, Seeds.mix(scenario.seed() ^ index)), Map.of(), REQUEST_TIMEOUT);
    }

    private static LocalFunction.Spread spread(LatencyDistribution d) {
        return new LocalFunction.Spread(d.median(), d.p99());
    }

    private void awaitWarm(LocalSystem local, List<LocalFunction> functions) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        log.accept("emulation: starting " + functions.size() + " functions' first pods");
        while (System.nanoTime() < deadline) {
            Map<String, LocalSystem.PodCounts> counts = local.podCounts();
            boolean warm = functions.stream().allMatch(f -> f.spec().startingReplicas() == 0
                    || counts.getOrDefault(f.spec().name(), new LocalSystem.PodCounts(0, 0, 0)).ready() >= f.spec().startingReplicas());
            if (warm) {
                return;
            }
            LockSupport.parkNanos(100_000_000L);
        }
        throw new IllegalStateException("the functions' first pods did not start within 120 s; pod logs are in " + logs);
    }

    /** Sends every arrival at its time and records what came back; samples pods every second. */
    private final class Replay implements AutoCloseable {

        private final AsyncRequests requests = new AsyncRequests("mu-emulate");
        private final int port;

        Replay(int port) {
            this.port = port;
        }

        void run(LocalSystem local, List<LocalFunction> functions, List<FunctionModel> models, FunctionStats[] stats) {
            record Next(double at, int function) {}
            PriorityQueue<Next> queue = new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
            ArrivalProcess[] arrivals = new ArrivalProcess[models.size()];
            for (int i = 0; i < models.size(); i++) {
                arrivals[i] = ArrivalProcess.of(models.get(i).arrival(), Seeds.stream(scenario.seed(), Seeds.ARRIVALS, i, 0));
                queue.add(new Next(arrivals[i].next(0), i));
            }
            int[] readyNow = new int[models.size()];
            long start = System.nanoTime();
            double nextSample = 0;
            while (!queue.isEmpty() && queue.peek().at() < seconds) {
                Next next = queue.poll();
                while (nextSample <= next.at()) {
                    LockSupport.parkNanos(start + (long) (nextSample * 1e9) - System.nanoTime());
                    sample(local, functions, stats, readyNow, nextSample == 0 ? 0 : 1);
                    if (((long) nextSample) % 10 == 0 && nextSample > 0) {
                        log.accept(String.format(Locale.ROOT, "emulation: %s %.0f of %.0f s", system, nextSample, seconds));
                    }
                    nextSample += 1;
                }
                LockSupport.parkNanos(start + (long) (next.at() * 1e9) - System.nanoTime());
                send(functions.get(next.function()), models.get(next.function()), stats[next.function()], readyNow[next.function()] == 0);
                queue.add(new Next(arrivals[next.function()].next(next.at()), next.function()));
            }
            while (nextSample < seconds) {
                LockSupport.parkNanos(start + (long) (nextSample * 1e9) - System.nanoTime());
                sample(local, functions, stats, readyNow, 1);
                nextSample += 1;
            }
            requests.awaitAnswers(REQUEST_TIMEOUT);
        }

        /** One second of pods: pod-seconds by architecture, and demand met (allocated against desired). */
        private void sample(LocalSystem local, List<LocalFunction> functions, FunctionStats[] stats, int[] readyNow, double dt) {
            Map<String, FunctionStatus> byName = new HashMap<>();
            local.status().forEach(s -> byName.put(s.function(), s));
            for (int i = 0; i < functions.size(); i++) {
                FunctionStatus s = byName.get(functions.get(i).spec().name());
                if (s == null) {
                    continue;
                }
                int ready = s.ready().values().stream().mapToInt(Integer::intValue).sum();
                readyNow[i] = ready;
                synchronized (stats[i]) {
                    stats[i].recordPods(s.ready(), s.desired(), ready + s.starting(), dt);
                }
            }
        }

        private void send(LocalFunction fn, FunctionModel model, FunctionStats stats, boolean noPodReady) {
            synchronized (stats) {
                stats.recordArrival(noPodReady);
            }
            URI target = URI.create("http://127.0.0.1:" + port + "/fn/" + NAMESPACE + "/" + fn.key().name());
            requests.send(target, null, REQUEST_TIMEOUT, (code, nanos) -> {
                synchronized (stats) {
                    if (code == AsyncRequests.NO_ANSWER || code >= 400) {
                        stats.recordDrop();
                    } else {
                        stats.recordLatency(nanos / 1e9, model.spec().sloP99Ms() / 1000);
                    }
                }
            });
        }

        @Override
        public void close() {
            requests.close();
        }
    }
}
