package dev.muserving.operator.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.LatencyHistogram;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import dev.muserving.operator.model.PlacementDemand;
import dev.muserving.operator.model.Serving;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FunctionAutoscalerTest {

    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");
    private static final FunctionKey ECHO = new FunctionKey("demo", "echo");

    private final List<Function> functions = new ArrayList<>();
    private final List<String> told = new ArrayList<>();
    private final AtomicInteger placementsAsked = new AtomicInteger();
    private final FunctionAutoscaler autoscaler = new FunctionAutoscaler("mu", () -> List.copyOf(functions),
            key -> ReplicaCounts.NONE, placementsAsked::incrementAndGet, told::add);

    private static Function function(String annotations, String scale) {
        return Serialization.unmarshal("""
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata:
                  name: echo
                  namespace: demo
                  annotations: {%s}
                spec:
                  image: registry.example/echo:1
                  scale: {%s}
                """.formatted(annotations, scale), Function.class);
    }

    @Test
    void beforeItsFirstDecisionAFunctionWantsWhatItsSpecSays() {
        Function echo = function("", "initial: 2");
        functions.add(echo);
        assertThat(autoscaler.desire(echo).replicas()).isEqualTo(2);
        assertThat(autoscaler.desire(echo).reason()).endsWith(FunctionAutoscaler.UNDECIDED);
    }

    @Test
    void aRequestWaitingAtZeroAsksForAPodAtOnceAndPlacementIsTold() {
        Function echo = function("", "initial: 0");
        functions.add(echo);
        autoscaler.tick(T);
        assertThat(autoscaler.desire(echo).replicas()).isZero();
        int asked = placementsAsked.get();

        autoscaler.demand(ECHO, T.plusMillis(300));

        assertThat(autoscaler.desire(echo).replicas()).isEqualTo(1);
        assertThat(placementsAsked.get()).isEqualTo(asked + 1);
    }

    @Test
    void theAnnotationChoosesThePolicyAndAChangeTakesEffectAtTheNextTick() {
        functions.add(function("autoscaling.muserving.dev/class: knative", "initial: 1"));
        autoscaler.tick(T);
        assertThat(autoscaler.lastDecision(ECHO).orElseThrow().reason()).startsWith("no metrics in the stable window"); // the KPA's

        assertThat(told).containsExactly("demo/echo: autoscaled by knative, SLO p99 1000 ms, min 0, max unlimited");
        functions.set(0, function("autoscaling.muserving.dev/class: mu", "initial: 1"));
        autoscaler.record(new MetricSnapshot(ECHO.toString(), T.plusSeconds(1), Duration.ofSeconds(1), 20, 20, 2, 0, List.of()));
        autoscaler.tick(T.plusSeconds(2));
        assertThat(autoscaler.lastDecision(ECHO).orElseThrow().reason()).doesNotStartWith("no metrics in the stable window");
        assertThat(told).last().isEqualTo("demo/echo: autoscaled by mu, SLO p99 1000 ms, min 0, max unlimited (its settings changed)");
    }

    /**
     * The API server stores any annotation. Until 2026-12-06 the autoscaler dropped a Function with an
     * unknown policy: it was held at its count, and one at zero never woke for a request.
     */
    @Test
    void aTypoInThePolicysNameKeepsThePolicyBeforeItAndTheFunctionStillScales() {
        functions.add(function("autoscaling.muserving.dev/class: knative", "initial: 0"));
        autoscaler.tick(T);
        functions.set(0, function("autoscaling.muserving.dev/class: knativ", "initial: 0"));
        autoscaler.tick(T.plusSeconds(2));
        assertThat(told).as("nothing changed").containsExactly("demo/echo: autoscaled by knative, SLO p99 1000 ms, min 0, max unlimited");

        autoscaler.demand(ECHO, T.plusSeconds(3));

        assertThat(autoscaler.desire(functions.get(0)).replicas()).as("woken from zero by a waiting request").isEqualTo(1);
    }

    /** A controller started since the typo never saw the policy before it: its default stands in, and it says so. */
    @Test
    void aControllerThatNeverSawThePolicyBeforeTheTypoScalesByItsDefaultAndSaysSo() {
        functions.add(function("autoscaling.muserving.dev/class: fastest", "initial: 0"));
        autoscaler.tick(T);
        assertThat(told).containsExactly("demo/echo: autoscaled by mu, SLO p99 1000 ms, min 0, max unlimited; its annotation names"
                + " 'fastest', which is no policy: this one stands in");

        autoscaler.demand(ECHO, T.plusSeconds(1));
        assertThat(autoscaler.desire(functions.get(0)).replicas()).isEqualTo(1);

        // any other problem is no Function to act on
        Function broken = function("", "initial: 0");
        broken.getSpec().timeout = "soon";
        functions.set(0, broken);
        autoscaler.tick(T.plusSeconds(2));
        assertThat(autoscaler.lastDecision(ECHO)).isEmpty();
    }

    @Test
    void placementGetsTheShareToKeepUpAndThePodsMeasuredRates() {
        Function echo = function("", "min: 0, initial: 3");
        functions.add(echo);
        assertThat(autoscaler.placementDemand(echo)).as("before any decision: all of the spec's count")
                .isEqualTo(new PlacementDemand(3, 3, Map.of()));

        autoscaler.tick(T);
        assertThat(autoscaler.placementDemand(echo)).as("an initial scale held without traffic is not required")
                .isEqualTo(new PlacementDemand(3, 0, Map.of()));

        int asked = placementsAsked.get();
        // 200 rps at 40 a pod: 200 in its two pods' 100 slots each, 300 more waiting for pods
        autoscaler.record(new MetricSnapshot(ECHO.toString(), T.plusSeconds(1), Duration.ofSeconds(1), 200, 200, 200, 300,
                List.of(new PodMetrics("echo-amd64-1", Arch.AMD64, 0, 40), new PodMetrics("echo-arm64-1", Arch.ARM64, 0, 20))));
        autoscaler.tick(T.plusSeconds(2));
        PlacementDemand inUse = autoscaler.placementDemand(echo);
        assertThat(inUse.required()).as("in use: pods to keep up with 200 rps at 40 a pod").isGreaterThanOrEqualTo(5);
        assertThat(inUse.desired()).isGreaterThanOrEqualTo(inUse.required());
        assertThat(inUse.serviceRates()).isEqualTo(Map.of(Arch.AMD64, 40.0, Arch.ARM64, 20.0));
        assertThat(placementsAsked.get()).as("placement runs again").isGreaterThan(asked);
    }

    @Test
    void aNewMinimumTakesEffectWithoutARestart() {
        functions.add(function("", "min: 0, initial: 1"));
        autoscaler.tick(T);
        functions.set(0, function("", "min: 3, initial: 1"));
        autoscaler.tick(T.plusSeconds(2));
        assertThat(autoscaler.desire(functions.get(0)).replicas()).isGreaterThanOrEqualTo(3);
        assertThat(autoscaler.desire(functions.get(0)).reason()).contains("min 3");
    }

    /** Found by an outside probe: a lowered min showed the old min as the reason until the count next changed. */
    @Test
    void aChangedSettingGivesANewReasonEvenWhenTheCountStaysTheSame() {
        functions.add(function("", "min: 4"));
        autoscaler.tick(T);
        assertThat(autoscaler.desire(functions.get(0)).reason()).contains("min 4");
        List<FunctionKey> changed = new ArrayList<>();
        autoscaler.onStatusChange(changed::add);

        functions.set(0, function("", "min: 1"));
        autoscaler.record(new MetricSnapshot(ECHO.toString(), T.plusSeconds(1), Duration.ofSeconds(1), 0, 0, 0, 0, List.of()));
        assertThat(autoscaler.desire(functions.get(0)).replicas()).as("seen, not decided on yet: the count it runs with").isEqualTo(4);
        autoscaler.tick(T.plusSeconds(2));

        assertThat(autoscaler.desire(functions.get(0)).replicas()).as("held until it has gone unused").isEqualTo(4);
        assertThat(autoscaler.desire(functions.get(0)).reason()).doesNotContain("min 4").contains("min 1");
        assertThat(changed).as("the status is told of the new reason").contains(ECHO);
    }

    @Test
    void aControllerTakingOverAFunctionAtZeroKeepsItThereRatherThanStartingItsInitialScale() {
        Function echo = function("", "initial: 1");
        echo.setStatus(new FunctionResourceStatus());
        echo.getStatus().replicas = new FunctionResourceStatus.Replicas();
        echo.getStatus().replicas.desired = 0; // what the controller before this one had decided
        functions.add(echo);
        assertThat(autoscaler.desire(echo).replicas()).isZero();
        assertThat(autoscaler.desire(echo).reason()).contains("the count it runs with");

        autoscaler.tick(T);
        assertThat(autoscaler.desire(echo).replicas()).isZero();
    }

    @Test
    void aFunctionInUseKeepsItsCountWhenItsSettingsChangeUntilItsNewPolicyHasData() {
        functions.add(function("", "initial: 1"));
        autoscaler.tick(T);
        autoscaler.record(new MetricSnapshot(ECHO.toString(), T.plusSeconds(1), Duration.ofSeconds(1), 200, 200, 2, 0,
                List.of(new PodMetrics("echo-amd64-1", Arch.AMD64, 0, 40))));
        autoscaler.tick(T.plusSeconds(2));
        int inUse = autoscaler.desire(functions.get(0)).replicas();
        assertThat(inUse).isGreaterThanOrEqualTo(5);

        functions.set(0, function("", "initial: 1, max: 50"));
        autoscaler.tick(T.plusSeconds(4));
        assertThat(autoscaler.desire(functions.get(0)).replicas()).as("not back to its initial scale").isEqualTo(inUse);
    }

    @Test
    void aFunctionThatIsGoneIsForgotten() {
        functions.add(function("", "initial: 1"));
        autoscaler.tick(T);
        assertThat(autoscaler.lastDecision(ECHO)).isPresent();
        functions.clear();
        autoscaler.tick(T.plusSeconds(2));
        assertThat(autoscaler.lastDecision(ECHO)).isEmpty();
        assertThat(autoscaler.demand(ECHO, T.plusSeconds(3))).isEmpty();
    }

    /** Found by an outside probe: the new object was held at the deleted one's 5 pods (clamped to its max of 2) for 90 s. */
    @Test
    void aFunctionDeletedAndMadeAgainUnderItsNameStartsAfresh() {
        Function old = function("", "min: 5, max: 8");
        old.getMetadata().setUid("old-uid");
        functions.add(old);
        autoscaler.tick(T);
        assertThat(autoscaler.desire(old).replicas()).isEqualTo(5);

        Function again = function("", "max: 2");
        again.getMetadata().setUid("new-uid");
        functions.set(0, again);
        assertThat(autoscaler.desire(again).replicas()).as("before the next look, not the old object's decision").isEqualTo(1);
        autoscaler.tick(T.plusSeconds(2));
        assertThat(autoscaler.desire(again).replicas()).isEqualTo(1);
        assertThat(autoscaler.desire(again).reason()).doesNotContain("min 5");
    }

    @Test
    void anUnknownDefaultPolicyIsRefusedByName() {
        assertThatThrownBy(() -> new FunctionAutoscaler("fastest", List::of, key -> ReplicaCounts.NONE, () -> { }, line -> { }))
                .hasMessageContaining("unknown autoscaling policy 'fastest'").hasMessageContaining("knative");
    }

    @Test
    void theP99OfTheLastMinuteIsServedAndAChangedVerdictIsTold() {
        functions.add(function("", "min: 1, max: 1"));
        List<FunctionKey> changed = new ArrayList<>();
        autoscaler.onStatusChange(changed::add);
        autoscaler.tick(T);
        assertThat(changed).containsExactly(ECHO, ECHO); // its first count, and its verdict: unmeasured
        LatencyHistogram.Recorder slow = new LatencyHistogram.Recorder();
        for (int i = 0; i < 100; i++) {
            slow.record(i < 98 ? 20 : 5_000);
        }
        autoscaler.record(new MetricSnapshot(ECHO.toString(), T.plusSeconds(1), Duration.ofSeconds(1), 100, 100, 2, 0, List.of(),
                slow.take()));
        autoscaler.tick(T.plusSeconds(2));

        Serving serving = autoscaler.serving(ECHO);
        assertThat(serving.requests()).isEqualTo(100);
        assertThat(serving.p99Ms()).isBetween(5_000.0, 5_600.0);
        assertThat(changed).hasSize(3); // the default SLO (1 s) is missed; the count is pinned at 1

        autoscaler.tick(T.plusSeconds(62)); // the slow second has left the window
        assertThat(autoscaler.serving(ECHO).requests()).isZero();
        assertThat(changed).hasSize(4);
    }

    @Test
    void aNewCountIsToldToTheStatusAsWellAsToPlacement() {
        functions.add(function("", "initial: 0"));
        autoscaler.tick(T);
        List<FunctionKey> changed = new ArrayList<>();
        autoscaler.onStatusChange(changed::add);
        autoscaler.demand(ECHO, T.plusMillis(100));
        assertThat(changed).containsExactly(ECHO);
        // the waiting request is reported to the autoscaler itself, which sizes for it (before, the loop's override did)
        assertThat(autoscaler.desire(functions.get(0)).replicas()).isEqualTo(1);
        assertThat(autoscaler.desire(functions.get(0)).reason()).endsWith("→ 1 (1 to keep up)");
    }
}
