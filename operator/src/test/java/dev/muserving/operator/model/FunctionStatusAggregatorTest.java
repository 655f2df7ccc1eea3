package dev.muserving.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FunctionStatusAggregatorTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final FunctionWorkloadModel model = new FunctionWorkloadModel(OperatorSettings.DEFAULTS);
    private final FunctionStatusAggregator aggregator = new FunctionStatusAggregator(model);
    private final ReplicaPlan plan = new ReplicaPlan(Map.of(Arch.AMD64, 2, Arch.ARM64, 1), "spec.scale: 3 replica(s) from initial 3");

    private static Function function() {
        Function fn = FunctionWorkloadModelTest.function("resize");
        fn.getMetadata().setGeneration(4L);
        return fn;
    }

    /** A Deployment as the deployment controller reports it once it has caught up. */
    private Deployment deployment(Function fn, Arch arch, int replicas, int updated, int available) {
        Deployment d = model.toDeployment(fn, arch, replicas);
        d.getMetadata().setGeneration(2L);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(2L).withReplicas(Math.max(replicas, updated))
                .withUpdatedReplicas(updated).withAvailableReplicas(available).withReadyReplicas(available).build());
        return d;
    }

    private static Pod pod(String name, String node, String scheduledCondition, String message) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName(node).withSchedulerName("mu-placement").endSpec();
        if (scheduledCondition != null) {
            pod.withNewStatus().addNewCondition().withType("PodScheduled").withStatus(scheduledCondition).withMessage(message).endCondition().endStatus();
        }
        return pod.build();
    }

    /** {@code n} bound pods, the first two amd64 and the rest arm64, as the plan splits them. */
    private static List<Pod> placed(int n) {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String arch = i < 2 ? "amd64" : "arm64";
            Pod pod = pod("p" + i, "kwok-" + arch + "-" + i, "True", null);
            pod.getMetadata().setLabels(Map.of("muserving.dev/arch", arch));
            pods.add(pod);
        }
        return pods;
    }

    private static Condition condition(FunctionResourceStatus status, String type) {
        return status.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void childrenThatCaughtUpMakeAReadyScheduledFunctionWithItsCounts() {
        Function fn = function();
        FunctionResourceStatus status = aggregator.aggregate(fn, plan,
                List.of(deployment(fn, Arch.AMD64, 2, 2, 2), deployment(fn, Arch.ARM64, 1, 1, 1)), placed(3), T0);

        assertThat(status.observedGeneration).isEqualTo(4L);
        assertThat(status.url).isEqualTo("http://resize.demo.example.com");
        assertThat(status.selector).isEqualTo("muserving.dev/function=resize");
        assertThat(status.lastScaleReason).isEqualTo(plan.reason());
        assertThat(status.replicas.desired).isEqualTo(3);
        assertThat(status.replicas.allocated).isEqualTo(3);
        assertThat(status.replicas.ready).isEqualTo(3);
        assertThat(status.byArchitecture.get("amd64").ready).isEqualTo(2);
        assertThat(status.byArchitecture.get("arm64").ready).isEqualTo(1);
        assertThat(status.byArchitecture.get("amd64").desired).isEqualTo(2);
        assertThat(status.byArchitecture.get("arm64").allocated).isEqualTo(1);
        Condition ready = condition(status, "Ready");
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getObservedGeneration()).isEqualTo(4L);
        assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(condition(status, "Scheduled").getStatus()).isEqualTo("True");
    }

    @Test
    void anUnchangedWorldGivesTheSameStatusAndKeepsTheTransitionTime() {
        Function fn = function();
        List<Deployment> children = List.of(deployment(fn, Arch.AMD64, 2, 2, 2), deployment(fn, Arch.ARM64, 1, 1, 1));
        FunctionResourceStatus first = aggregator.aggregate(fn, plan, children, placed(3), T0);
        fn.setStatus(first);
        FunctionResourceStatus later = aggregator.aggregate(fn, plan, children, placed(3), T0.plusSeconds(90));

        assertThat(FunctionStatusAggregator.same(first, later)).isTrue();
        fn.setStatus(later);
        List<Pod> crashing = placed(3);
        crashing.get(1).setStatus(new PodStatusBuilder().addNewContainerStatus().withName("function").withNewState().withNewWaiting()
                .withReason("CrashLoopBackOff").withMessage("back-off 40s restarting failed container").endWaiting().endState()
                .endContainerStatus().build());
        FunctionResourceStatus degraded = aggregator.aggregate(fn, plan,
                List.of(deployment(fn, Arch.AMD64, 2, 2, 1), deployment(fn, Arch.ARM64, 1, 1, 1)), crashing, T0.plusSeconds(120));
        assertThat(FunctionStatusAggregator.same(later, degraded)).isFalse();
        Condition ready = condition(degraded, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("Unavailable");
        assertThat(ready.getMessage()).isEqualTo("resize-amd64: 1 of 2 replicas available; "
                + "pod p1, container function: CrashLoopBackOff: back-off 40s restarting failed container");
        assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-23T10:02:00Z");
        assertThat(condition(degraded, "Scheduled").getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");
    }

    @Test
    void aFunctionThatServedStaysReadyWhileItScalesAndItsNewPodsStart() {
        Function fn = function();
        fn.setStatus(aggregator.aggregate(fn, plan, List.of(deployment(fn, Arch.AMD64, 2, 2, 2), deployment(fn, Arch.ARM64, 1, 1, 1)),
                placed(3), T0));
        ReplicaPlan more = new ReplicaPlan(Map.of(Arch.AMD64, 4, Arch.ARM64, 1), "load");
        List<Deployment> scalingUp = List.of(deployment(fn, Arch.AMD64, 4, 4, 2), deployment(fn, Arch.ARM64, 1, 1, 1));

        Condition ready = condition(aggregator.aggregate(fn, more, scalingUp, placed(5), T0.plusSeconds(10)), "Ready");
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getMessage()).isEqualTo("3 of 5 replicas are ready; resize-amd64: 2 of 4 replicas available");
        assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-23T10:00:00Z");

        // the new count not yet seen by the deployment controller, then its new pods not all created: still scaling
        Deployment unseen = deployment(fn, Arch.AMD64, 4, 2, 2);
        unseen.getMetadata().setGeneration(3L);
        Deployment creating = deployment(fn, Arch.AMD64, 4, 3, 2);
        for (Deployment amd : List.of(unseen, creating)) {
            assertThat(condition(aggregator.aggregate(fn, more, List.of(amd, deployment(fn, Arch.ARM64, 1, 1, 1)), placed(5),
                    T0.plusSeconds(12)), "Ready").getStatus()).isEqualTo("True");
        }

        // a new generation must serve once before it is Ready
        fn.getMetadata().setGeneration(5L);
        assertThat(condition(aggregator.aggregate(fn, more, scalingUp, placed(5), T0.plusSeconds(20)), "Ready").getStatus())
                .isEqualTo("False");
    }

    @Test
    void readinessSaysWhatIsMissing() {
        Function fn = function();
        Deployment amd = deployment(fn, Arch.AMD64, 2, 2, 2);
        assertThat(condition(aggregator.aggregate(fn, plan, List.of(amd), placed(2), T0), "Ready").getReason()).isEqualTo("Creating");

        Deployment rolling = deployment(fn, Arch.ARM64, 1, 0, 1);
        rolling.getStatus().setReplicas(2);
        Condition ready = condition(aggregator.aggregate(fn, plan, List.of(amd, rolling), placed(3), T0), "Ready");
        assertThat(ready.getReason()).isEqualTo("RollingOut");
        assertThat(ready.getMessage()).isEqualTo("resize-arm64: 0 of 1 replicas updated, 1 old replica(s) still running");

        Deployment unseen = deployment(fn, Arch.ARM64, 1, 1, 1);
        unseen.getMetadata().setGeneration(3L);
        assertThat(condition(aggregator.aggregate(fn, plan, List.of(amd, unseen), placed(3), T0), "Ready").getMessage())
                .isEqualTo("resize-arm64: the deployment controller has not seen the change yet");

        Deployment rescaled = deployment(fn, Arch.ARM64, 3, 3, 3);
        assertThat(condition(aggregator.aggregate(fn, plan, List.of(amd, rescaled), placed(5), T0), "Ready").getReason()).isEqualTo("Scaling");
    }

    @Test
    void aDeploymentOfADroppedArchitectureKeepsTheFunctionNotReadyUntilItIsGone() {
        Function fn = function();
        ReplicaPlan armOnly = new ReplicaPlan(Map.of(Arch.ARM64, 1), "x");
        Condition ready = condition(aggregator.aggregate(fn, armOnly,
                List.of(deployment(fn, Arch.AMD64, 2, 2, 2), deployment(fn, Arch.ARM64, 1, 1, 1)), placed(3), T0), "Ready");
        assertThat(ready.getReason()).isEqualTo("RemovingArchitecture");
        assertThat(ready.getMessage()).isEqualTo("Deployment resize-amd64 is being removed");
        assertThat(aggregator.aggregate(fn, armOnly, List.of(deployment(fn, Arch.ARM64, 1, 1, 1)), placed(1), T0).byArchitecture)
                .containsOnlyKeys("arm64");

        // kept while arm64 has nothing ready: said so, and its pods are not arm64's
        FunctionResourceStatus handingOver = aggregator.aggregate(fn, armOnly.handingOver(Set.of(Arch.AMD64)),
                List.of(deployment(fn, Arch.AMD64, 2, 2, 2), deployment(fn, Arch.ARM64, 1, 1, 0)), placed(2), T0);
        assertThat(condition(handingOver, "Ready").getMessage())
                .isEqualTo("Deployment resize-amd64 serves until arm64 has ready pods to take over");
        assertThat(handingOver.byArchitecture).containsOnlyKeys("arm64");
        assertThat(handingOver.replicas.ready).isZero();
    }

    @Test
    void aFunctionScaledToZeroIsReady() {
        Function fn = function();
        ReplicaPlan zero = new ReplicaPlan(Map.of(Arch.AMD64, 0, Arch.ARM64, 0), "x");
        FunctionResourceStatus status = aggregator.aggregate(fn, zero,
                List.of(deployment(fn, Arch.AMD64, 0, 0, 0), deployment(fn, Arch.ARM64, 0, 0, 0)), List.of(), T0);
        assertThat(condition(status, "Ready").getReason()).isEqualTo("ScaledToZero");
        assertThat(condition(status, "Scheduled").getStatus()).isEqualTo("True");
    }

    @Test
    void aFunctionThatWantsPodsButIsPlacedNowhereIsNotReady() {
        Function fn = function();
        ReplicaPlan noRoom = new ReplicaPlan(Map.of(Arch.AMD64, 0, Arch.ARM64, 0), 3, "contention");
        Condition ready = condition(aggregator.aggregate(fn, noRoom,
                List.of(deployment(fn, Arch.AMD64, 0, 0, 0), deployment(fn, Arch.ARM64, 0, 0, 0)), List.of(), T0), "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("Contention");
        assertThat(ready.getMessage()).startsWith("0 of 3 replicas placed: the cluster has room for none");

        ReplicaPlan someRoom = new ReplicaPlan(Map.of(Arch.AMD64, 1, Arch.ARM64, 0), 3, "contention");
        Condition partly = condition(aggregator.aggregate(fn, someRoom,
                List.of(deployment(fn, Arch.AMD64, 1, 1, 1), deployment(fn, Arch.ARM64, 0, 0, 0)), placed(1), T0), "Ready");
        assertThat(partly.getStatus()).as("one pod serves: ready, and Scheduled says what is missing").isEqualTo("True");
        assertThat(partly.getMessage()).isEqualTo("1 of 3 replicas are ready (the cluster has room for no more: see Scheduled)");
    }

    @Test
    void schedulingNamesTheUnschedulablePodOrTheSchedulerItWaitsFor() {
        Function fn = function();
        List<Deployment> children = List.of(deployment(fn, Arch.AMD64, 2, 2, 1), deployment(fn, Arch.ARM64, 1, 1, 1));
        List<Pod> stuck = List.of(pod("a", "kwok-amd64-0", "True", null), pod("b", null, "False", "0/8 nodes are available: 8 Insufficient cpu."),
                pod("c", "kwok-arm64-0", "True", null));
        Condition unschedulable = condition(aggregator.aggregate(fn, plan, children, stuck, T0), "Scheduled");
        assertThat(unschedulable.getStatus()).isEqualTo("False");
        assertThat(unschedulable.getReason()).isEqualTo("Unschedulable");
        assertThat(unschedulable.getMessage()).isEqualTo("1 pod(s) cannot be placed; b: 0/8 nodes are available: 8 Insufficient cpu.");

        List<Pod> waiting = List.of(pod("a", "kwok-amd64-0", "True", null), pod("b", null, null, null), pod("c", "kwok-arm64-0", "True", null));
        Condition pending = condition(aggregator.aggregate(fn, plan, children, waiting, T0), "Scheduled");
        assertThat(pending.getReason()).isEqualTo("Pending");
        assertThat(pending.getMessage()).isEqualTo("2 of 3 pod(s) on nodes; the others wait for scheduler mu-placement");
        assertThat(aggregator.aggregate(fn, plan, children, waiting, T0).replicas.allocated).isEqualTo(2);

        Pod leaving = pod("d", "kwok-amd64-1", "True", null);
        leaving.getMetadata().setDeletionTimestamp("2026-11-23T09:59:00Z");
        Condition notCreated = condition(aggregator.aggregate(fn, plan, children, List.of(leaving), T0), "Scheduled");
        assertThat(notCreated.getMessage()).isEqualTo("0 of 3 pod(s) on nodes; the others wait for the Deployment to create them");
    }

    @Test
    void aFunctionNotActedOnKeepsItsLastStatusWithReadyFalseAndTheReason() {
        Function fn = function();
        List<Deployment> children = List.of(deployment(fn, Arch.AMD64, 2, 2, 2), deployment(fn, Arch.ARM64, 1, 1, 1));
        fn.setStatus(aggregator.aggregate(fn, plan, children, placed(3), T0));
        fn.getMetadata().setGeneration(2L);
        FunctionResourceStatus next = FunctionStatusAggregator.notActedOn(fn, FunctionStatusAggregator.INVALID_SPEC, "spec: missing", T0.plusSeconds(5));
        assertThat(next.observedGeneration).isEqualTo(2);
        assertThat(next.replicas.ready).as("the pods that served still serve").isEqualTo(3);
        assertThat(condition(next, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(next, "Ready").getReason()).isEqualTo("InvalidSpec");
        assertThat(condition(next, "Ready").getMessage()).isEqualTo("spec: missing");
        assertThat(condition(next, "Ready").getLastTransitionTime()).isEqualTo("2026-11-23T10:00:05Z");
        assertThat(condition(next, "Scheduled")).isEqualTo(condition(fn.getStatus(), "Scheduled"));
        assertThat(fn.getStatus().conditions).as("the status it came from is left alone").extracting(c -> c.getReason()).contains("Ready");

        fn.setStatus(next);
        assertThat(FunctionStatusAggregator.same(next, FunctionStatusAggregator.notActedOn(fn, FunctionStatusAggregator.INVALID_SPEC,
                "spec: missing", T0.plusSeconds(60)))).as("nothing to patch the second time").isTrue();
    }

    @Test
    void withAnSloTheMeasuredP99SaysWhetherItIsMetAndTheServiceRatesAreShown() {
        Function fn = function();
        fn.getSpec().slo = new FunctionResourceSpec.Slo();
        fn.getSpec().slo.p99 = "300ms";
        List<Deployment> children = List.of(deployment(fn, Arch.AMD64, 2, 2, 2), deployment(fn, Arch.ARM64, 1, 1, 1));
        Duration minute = Duration.ofSeconds(60);

        FunctionResourceStatus quiet = aggregator.aggregate(fn, plan, children, placed(3), Serving.UNMEASURED, T0);
        assertThat(condition(quiet, "SLOMet").getStatus()).isEqualTo("Unknown");
        assertThat(condition(quiet, "SLOMet").getReason()).isEqualTo("NoTraffic");

        Serving fast = new Serving(Map.of(Arch.AMD64, 24.56, Arch.ARM64, 14.0), 178, 1234, minute);
        FunctionResourceStatus within = aggregator.aggregate(fn, plan, children, placed(3), fast, T0);
        assertThat(condition(within, "SLOMet").getStatus()).isEqualTo("True");
        assertThat(condition(within, "SLOMet").getMessage()).isEqualTo("p99 178 ms ≤ SLO 300 ms over the last 60 s (1,234 requests)");
        assertThat(within.byArchitecture.get("amd64").serviceRate).isEqualTo(24.6);

        FunctionResourceStatus missed = aggregator.aggregate(fn, plan, children, placed(3),
                new Serving(Map.of(), 451, 99, minute), T0);
        assertThat(condition(missed, "SLOMet").getStatus()).isEqualTo("False");
        assertThat(condition(missed, "SLOMet").getReason()).isEqualTo("SLOMissed");
    }

    @Test
    void withoutAnSloThereIsNoSloCondition() {
        Function fn = function();
        FunctionResourceStatus status = aggregator.aggregate(fn, plan, List.of(), placed(0),
                new Serving(Map.of(), 10, 5, Duration.ofSeconds(60)), T0);
        assertThat(status.conditions).extracting(Condition::getType).containsExactly("Ready", "Scheduled");
    }
}
