package dev.muserving.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightCapsTest {

    private static Namespace namespace(String name, String cap) {
        return new NamespaceBuilder().withNewMetadata().withName(name)
                .withLabels(cap == null ? Map.of() : Map.of(WeightCaps.LABEL, cap)).endMetadata().build();
    }

    @Test
    void aNamespacesLabelCapsItsWeightsAndTheSettingCapsTheOthers() {
        List<String> problems = new ArrayList<>();
        WeightCaps caps = WeightCaps.of(List.of(namespace("tenant", "2"), namespace("trusted", "50"), namespace("plain", null)), 5,
                problems::add);

        assertThat(caps.cap("tenant", 3)).isEqualTo(2);
        assertThat(caps.cap("tenant", 1.5)).isEqualTo(1.5);
        assertThat(caps.cap("trusted", 20)).as("an admin may allow more than the setting").isEqualTo(20);
        assertThat(caps.cap("plain", 20)).isEqualTo(5);
        assertThat(caps.cap("not-seen-yet", 20)).isEqualTo(5);
        assertThat(problems).isEmpty();
    }

    @Test
    void aCapThatIsNoPositiveNumberCapsAtTheLeastAndIsSaid() {
        List<String> problems = new ArrayList<>();
        WeightCaps caps = WeightCaps.of(List.of(namespace("a", "lots"), namespace("b", "0"), namespace("c", "Infinity")), 1000,
                problems::add);

        assertThat(caps.cap("a", 3)).isEqualTo(1);
        assertThat(caps.cap("b", 3)).isEqualTo(1);
        assertThat(caps.cap("c", 3)).isEqualTo(1);
        assertThat(problems).containsExactly(
                "namespace a: placement.muserving.dev/max-weight must be a number above 0, got 'lots'; its pods' weight is capped at 1 until it is",
                "namespace b: placement.muserving.dev/max-weight must be a number above 0, got '0'; its pods' weight is capped at 1 until it is",
                "namespace c: placement.muserving.dev/max-weight must be a number above 0, got 'Infinity'; its pods' weight is capped at 1 until it is");
    }
}
