package dev.muserving.emulate;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.bench.sim.Seeds;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The emulation half of {@code mu bench}: a scenario replayed in real time through {@code mu local}
 * (the real activator-lb, queue-proxies and pods as processes, with the system's own policies),
 * measured into the same {@link RunResult} the simulator gives, so the two can be compared.
 *
 * <p>Each scenario function becomes a Function whose pods run the emulated function with the
 * scenario's log-normal service times for their architecture and its parallelism. The {@link Replay}
 * sends the simulator's arrivals; request sizes are drawn in the pods, so the two runs see the same
 * load, not the very same requests. The run is cut at {@code maxSeconds} of real time. Pods start
 * warm at the autoscaler's initial scale, as in the simulator, and the clock starts once they are ready.
 */
public final class Emulator {

    private static final String NAMESPACE = "bench";

    private final Scenario scenario;
    private final String system;
    private final double maxSeconds;
    private final Path logs;
    private final Consumer<String> log;

    /** @param system a name of {@code PolicySets}, as {@code mu local} runs it */
    public Emulator(Scenario scenario, String system, double maxSeconds, Path logs, Consumer<String> log) {
        LocalPolicies.named(system, scenario.seed()); // an unknown system is bad input before anything starts
        this.scenario = scenario;
        this.system = system;
        this.maxSeconds = maxSeconds;
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
        Replay replay = new Replay(scenario, system, maxSeconds, log);
        try (LocalSystem local = LocalSystem.start(LocalPolicies.named(system, scenario.seed()), "127.0.0.1", 0, 0, nodes, logs,
                functions, line -> { })) {
            ReplayTarget target = new LocalTarget(local);
            Map<FunctionKey, Integer> warm = new LinkedHashMap<>();
            // a function no node can hold gets no pod, as in the simulator (which warns of it when the
            // scenario is read); waiting for one would only end in the timeout
            functions.forEach(f -> warm.put(f.key(), scenario.cluster().couldHold(f.spec()) ? f.spec().startingReplicas() : 0));
            replay.awaitWarm(target, warm, Duration.ofSeconds(120), "pod logs are in " + logs);
            return replay.run(target, functions.stream().map(LocalFunction::key).toList());
        }
    }

    private LocalFunction localFunction(FunctionModel model, int index) {
        // scenario function names are DNS labels (ScenarioLoader and the workload generators make sure)
        FunctionKey key = new FunctionKey(NAMESPACE, model.name());
        FunctionSpec spec = model.spec().withName(key.toString());
        Map<Arch, LocalFunction.Spread> service = new EnumMap<>(Arch.class);
        model.serviceTimeMs().forEach((arch, d) -> service.put(arch, spread(d)));
        int parallelism = model.parallelism();
        return new LocalFunction(key, scenario.name() + " (emulated)", spec,
                new LocalFunction.Modelled(service, parallelism, Seeds.mix(scenario.seed() ^ index)), Map.of(), Replay.REQUEST_TIMEOUT);
    }

    private static LocalFunction.Spread spread(LatencyDistribution d) {
        return new LocalFunction.Spread(d.median(), d.p99());
    }

    /** {@code mu local} seen by the replay: its activator's port, its status view, its pod count. */
    private record LocalTarget(LocalSystem local) implements ReplayTarget {

        @Override
        public URI endpoint(FunctionKey function) {
            return URI.create("http://127.0.0.1:" + local.port() + "/fn/" + function.namespace() + "/" + function.name());
        }

        @Override
        public Map<FunctionKey, Pods> pods() {
            Map<FunctionKey, Pods> pods = new HashMap<>();
            local.status().forEach(s -> pods.put(FunctionKey.parse(s.function()), new Pods(s.ready(), s.starting(), s.desired())));
            return pods;
        }

        @Override
        public long podsStarted(FunctionKey function) {
            return local.podsStarted(function.toString());
        }
    }
}
