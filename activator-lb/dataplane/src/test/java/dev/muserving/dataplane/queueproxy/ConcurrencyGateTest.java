package dev.muserving.dataplane.queueproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcurrencyGateTest {

    @Test
    void admitsUpToTheSlotsQueuesUpToTheDepthAndRefusesTheRest() {
        ConcurrencyGate gate = new ConcurrencyGate(2, 1);
        List<String> admitted = new ArrayList<>();
        assertThat(gate.enter(() -> admitted.add("a"))).isNotNull();
        assertThat(gate.enter(() -> admitted.add("b"))).isNotNull();
        ConcurrencyGate.Ticket c = gate.enter(() -> admitted.add("c"));
        assertThat(c.admitted()).isFalse();
        assertThat(gate.enter(() -> admitted.add("d"))).isNull();
        assertThat(admitted).containsExactly("a", "b");
        assertThat(gate.inPod()).isEqualTo(3);
        gate.leave();
        assertThat(admitted).containsExactly("a", "b", "c");
        assertThat(gate.running()).isEqualTo(2);
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void aCancelledWaiterIsSkippedAndFreesItsPlace() {
        ConcurrencyGate gate = new ConcurrencyGate(1, 2);
        List<String> admitted = new ArrayList<>();
        gate.enter(() -> admitted.add("a"));
        ConcurrencyGate.Ticket b = gate.enter(() -> admitted.add("b"));
        gate.enter(() -> admitted.add("c"));
        b.cancel();
        assertThat(gate.waiting()).isEqualTo(1);
        assertThat(gate.enter(() -> admitted.add("d"))).isNotNull(); // b's place is free again
        gate.leave();
        assertThat(admitted).containsExactly("a", "c");
    }

    @Test
    void withoutALimitEveryRequestRuns() {
        ConcurrencyGate gate = new ConcurrencyGate(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(gate.enter(() -> {}).admitted()).isTrue();
        }
        assertThat(gate.running()).isEqualTo(1000);
    }
}
