package dev.muserving.bench.sim;

import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import dev.muserving.autoscaler.policy.AutoscalingPolicy;
import dev.muserving.bench.Systems;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.placement.policy.KubeSchedulerPlacement;
import dev.muserving.routing.policy.KnativeActivatorRouting;
import dev.muserving.routing.policy.RoutingPolicyFactory;
import java.time.Instant;
import java.util.List;

/** Systems and scenarios for simulator tests. */
final class TestSystems {

    private TestSystems() {}

    /** Knative's routing and placement with a constant replica count: a system whose pods we know. */
    static SystemUnderTest fixedReplicas(int replicas) {
        return withRouting("fixed-" + replicas, replicas, KnativeActivatorRouting::new);
    }

    static SystemUnderTest withRouting(String name, int replicas, RoutingPolicyFactory routing) {
        return new SystemUnderTest(name, "test", routing, fn -> new AutoscalingPolicy() {
            @Override
            public int initialReplicas() {
                return replicas;
            }

            @Override
            public void record(MetricSnapshot snapshot) {}

            @Override
            public ScalingDecision decide(ReplicaCounts counts, Instant now) {
                return new ScalingDecision(replicas, "fixed");
            }
        }, KubeSchedulerPlacement::new);
    }

    static SystemUnderTest knative() {
        return Systems.get(Systems.KNATIVE);
    }

    static Scenario scenario(String yaml) {
        return new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, w -> {
            throw new AssertionError("unexpected warning: " + w);
        }).parse("test.yaml", yaml);
    }

    static RunResult run(Scenario scenario, SystemUnderTest system) {
        return new Simulator(scenario, system, ProgressListener.NONE).run();
    }

    static FunctionStats only(RunResult result) {
        List<RunResult.FunctionResult> functions = result.functions();
        if (functions.size() != 1) {
            throw new AssertionError("expected one function, got " + functions.size());
        }
        return functions.get(0).stats();
    }
}
