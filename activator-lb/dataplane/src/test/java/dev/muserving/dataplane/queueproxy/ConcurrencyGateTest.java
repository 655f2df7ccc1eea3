package dev.muserving.dataplane.queueproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcurrencyGateTest {

    /** A request that notes its name when it runs, and its name with "turned away" when it does not. */
    private static ConcurrencyGate.Ticket enter(ConcurrencyGate gate, List<String> log, String name) {
        return gate.enter(() -> log.add(name), () -> log.add(name + " turned away"));
    }

    @Test
    void admitsUpToTheSlotsQueuesUpToTheDepthAndRefusesTheRest() {
        ConcurrencyGate gate = new ConcurrencyGate(2, 1);
        List<String> admitted = new ArrayList<>();
        assertThat(enter(gate, admitted, "a")).isNotNull();
        assertThat(enter(gate, admitted, "b")).isNotNull();
        ConcurrencyGate.Ticket c = enter(gate, admitted, "c");
        assertThat(c.admitted()).isFalse();
        assertThat(enter(gate, admitted, "d")).isNull();
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
        enter(gate, admitted, "a");
        ConcurrencyGate.Ticket b = enter(gate, admitted, "b");
        enter(gate, admitted, "c");
        b.cancel();
        assertThat(gate.waiting()).isEqualTo(1);
        assertThat(enter(gate, admitted, "d")).isNotNull(); // b's place is free again
        gate.leave();
        assertThat(admitted).containsExactly("a", "c");
    }

    @Test
    void withoutALimitEveryRequestRuns() {
        ConcurrencyGate gate = new ConcurrencyGate(0, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(gate.enter(() -> {}, () -> {}).admitted()).isTrue();
        }
        assertThat(gate.running()).isEqualTo(1000);
    }

    @Test
    void turningAwayEmptiesTheQueueButLeavesTheRunningAlone() {
        ConcurrencyGate gate = new ConcurrencyGate(1, 3);
        List<String> log = new ArrayList<>();
        enter(gate, log, "a");
        ConcurrencyGate.Ticket b = enter(gate, log, "b");
        enter(gate, log, "c");
        enter(gate, log, "d");
        b.cancel();
        gate.turnAwayWaiting();
        assertThat(log).containsExactly("a", "c turned away", "d turned away");
        assertThat(gate.running()).isEqualTo(1);
        assertThat(gate.waiting()).isZero();
        gate.leave();
        assertThat(gate.inPod()).isZero();
        assertThat(log).hasSize(3); // nobody left to admit
    }
}
