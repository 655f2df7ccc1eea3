package dev.muserving.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.ReplicaCounts;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodFactsTest {

    private static Node node(String heartbeat) {
        return new NodeBuilder().withNewMetadata().withName("n").withLabels(Map.of("kubernetes.io/arch", "arm64")).endMetadata()
                .withNewSpec().endSpec()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")))
                .addNewCondition().withType("Ready").withStatus("True").withLastHeartbeatTime(heartbeat).endCondition().endStatus()
                .build();
    }

    @Test
    void aHeartbeatIsNoPlacementChange() {
        assertThat(PodFacts.placementChanged(node("2026-12-02T00:00:00Z"), node("2026-12-02T00:00:30Z"))).isFalse();
    }

    @Test
    void labelsTaintsCordonAllocatableAndReadinessAre() {
        Node before = node("2026-12-02T00:00:00Z");
        assertThat(PodFacts.placementChanged(before, new NodeBuilder(before).editMetadata().addToLabels("zone", "b").endMetadata().build())).isTrue();
        assertThat(PodFacts.placementChanged(before, new NodeBuilder(before).editSpec().addNewTaint().withKey("k").withEffect("NoSchedule")
                .endTaint().endSpec().build())).isTrue();
        assertThat(PodFacts.placementChanged(before, new NodeBuilder(before).editSpec().withUnschedulable(true).endSpec().build())).isTrue();
        assertThat(PodFacts.placementChanged(before, new NodeBuilder(before).editStatus().addToAllocatable("cpu", new Quantity("2"))
                .endStatus().build())).isTrue();
        assertThat(PodFacts.placementChanged(before, new NodeBuilder(before).editStatus().editFirstCondition().withStatus("Unknown")
                .endCondition().endStatus().build())).isTrue();
    }

    @Test
    void requestsTooLargeForAnIntCountAsTheLargestNotAsAWrappedSmallOne() {
        Pod huge = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
                .addNewContainer().withName("fn").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("10000000000000000"), "memory", new Quantity("99999999999999999999999Ti")))
                .endResources().endContainer()
                .addNewContainer().withName("queue-proxy").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("25m"), "memory", new Quantity("64Mi"))).endResources().endContainer()
                .endSpec().build();
        assertThat(PodFacts.requests(huge)).containsExactly(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** As kube-scheduler counts them (found by an outside probe: an init container of 3 CPUs was left out). */
    @Test
    void anInitContainerCountsWhenItAsksForMoreThanThePodRunsOnAndSidecarsAndOverheadAlways() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
                .addNewInitContainer().withName("sidecar").withRestartPolicy("Always").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("200m"), "memory", new Quantity("64Mi"))).endResources().endInitContainer()
                .addNewInitContainer().withName("migrate").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("3"), "memory", new Quantity("32Mi"))).endResources().endInitContainer()
                .addNewContainer().withName("fn").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("512Mi"))).endResources().endContainer()
                .withOverhead(Map.of("cpu", new Quantity("50m"), "memory", new Quantity("16Mi")))
                .endSpec().build();
        // CPU: the init container with the sidecar before it (3.2) over what runs (0.3); memory: what runs (576 Mi) over 96
        assertThat(PodFacts.requests(pod)).containsExactly(3250, 592);
    }

    private static Pod pod(String created, String readyStatus, String since) {
        return new PodBuilder().withNewMetadata().withName("p").withCreationTimestamp(created).endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(readyStatus).withLastTransitionTime(since).endCondition()
                .endStatus().build();
    }

    @Test
    void aReadyPodsStartUpRunsFromItsCreationToItsReadyCondition() {
        Pod ready = pod("2026-12-03T10:00:00Z", "True", "2026-12-03T10:00:04Z");
        assertThat(PodFacts.created(ready)).isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(PodFacts.readySince(ready)).isEqualTo(Instant.parse("2026-12-03T10:00:04Z"));
        assertThat(PodFacts.readySince(pod("2026-12-03T10:00:00Z", "False", "2026-12-03T10:00:04Z"))).isNull();
        assertThat(PodFacts.readySince(new PodBuilder().withNewMetadata().withName("p").endMetadata().build())).isNull();

        ReplicaCounts.StartupTimes startup = new ReplicaCounts.StartupTimes();
        assertThat(startup.mean()).isNull();
        startup.add(PodFacts.created(ready), PodFacts.readySince(ready));
        startup.add(Instant.parse("2026-12-03T10:00:00Z"), Instant.parse("2026-12-03T10:00:02Z"));
        startup.add(Instant.parse("2026-12-03T10:00:00Z"), Instant.parse("2026-12-03T10:00:00Z")); // there from the start: not seen starting
        startup.add(null, Instant.parse("2026-12-03T10:00:09Z"));
        assertThat(startup.mean()).isEqualTo(Duration.ofSeconds(3));
    }
}
