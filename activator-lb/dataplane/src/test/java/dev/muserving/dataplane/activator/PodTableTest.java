package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodTableTest {

    private static final long COOL_DOWN = 5_000_000_000L;

    private final PodTable table = new PodTable();

    private PodTable.Pod listed(String... names) {
        table.update(List.of(names).stream().map(n -> new Endpoint(n, "10.0.0.1", 8012, Arch.AMD64)).toList());
        return table.get(0);
    }

    @Test
    void aPodNotConnectedToYetTakesOneRequestUntilAConnectionIsMadeThenAny() {
        PodTable.Pod fresh = listed("a", "b");
        table.connecting(fresh);
        assertThat(table.size()).as("on probation while its first connection is made").isEqualTo(1);
        assertThat(table.get(0).endpoint.pod()).isEqualTo("b");

        assertThat(table.connected(fresh, true)).as("back in the view").isTrue();
        assertThat(table.size()).isEqualTo(2);
        table.connecting(fresh);
        table.connecting(fresh);
        assertThat(table.size()).as("proven: any number of connections at once").isEqualTo(2);
    }

    @Test
    void aFailedConnectionPutsThePodOnProbationAgainAfterItsCoolDown() {
        PodTable.Pod pod = listed("a");
        table.connecting(pod);
        assertThat(table.connected(pod, true)).isTrue();
        table.connecting(pod);
        assertThat(table.connected(pod, false)).isFalse();
        table.suspend(pod, COOL_DOWN);
        assertThat(table.size()).isZero();

        assertThat(table.resumeExpired(pod.suspendedUntilNanos + 1)).isTrue();
        table.connecting(pod);
        assertThat(table.size()).as("one request tries it first").isZero();
    }

    @Test
    void eachCoolDownInARowWithoutAConnectionDoublesToEightTimesAndAConnectionEndsTheRow() {
        PodTable.Pod pod = listed("a");
        long[] lengths = new long[5];
        for (int i = 0; i < lengths.length; i++) {
            long before = System.nanoTime();
            table.suspend(pod, COOL_DOWN);
            lengths[i] = Math.round((pod.suspendedUntilNanos - before) / (double) COOL_DOWN);
        }
        assertThat(lengths).containsExactly(1, 2, 4, 8, 8);

        table.resumeExpired(pod.suspendedUntilNanos + 1);
        table.connecting(pod);
        table.connected(pod, true);
        long before = System.nanoTime();
        table.suspend(pod, COOL_DOWN);
        assertThat(Math.round((pod.suspendedUntilNanos - before) / (double) COOL_DOWN)).isEqualTo(1);
    }

    @Test
    void aPodReplacedWhileItsConnectionWasMadeDoesNotComeBack() {
        PodTable.Pod old = listed("a");
        table.connecting(old);
        table.update(List.of(new Endpoint("a", "10.0.0.2", 8012, Arch.AMD64))); // same name, new address: a new pod
        assertThat(table.connected(old, true)).isFalse();
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.get(0)).isNotSameAs(old);
    }
}
