package dev.muserving.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
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
}
