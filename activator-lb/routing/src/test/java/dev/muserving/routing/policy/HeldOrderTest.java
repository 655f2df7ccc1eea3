package dev.muserving.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HeldOrderTest {

    private static final double SLO_MS = 200;

    @Test
    void oldestFirstNeverTakesTheNewest() {
        assertThat(HeldOrder.OLDEST_FIRST.newestFirst(10_000, 0, SLO_MS)).isFalse();
    }

    @Test
    void onTimeFirstKeepsArrivalOrderWhileTheOldestCanStillBeOnTime() {
        assertThat(HeldOrder.ON_TIME_FIRST.newestFirst(SLO_MS, 0, SLO_MS)).isFalse();
        assertThat(HeldOrder.ON_TIME_FIRST.newestFirst(50, 10, SLO_MS)).isFalse();
    }

    @Test
    void onTimeFirstTakesTheNewestOnceTheOldestIsLateAndTheNewestIsNot() {
        assertThat(HeldOrder.ON_TIME_FIRST.newestFirst(SLO_MS + 1, SLO_MS, SLO_MS)).isTrue();
    }

    @Test
    void whenEveryHeldRequestIsLateTheOldestGoesFirstBeforeItTimesOut() {
        assertThat(HeldOrder.ON_TIME_FIRST.newestFirst(5_000, SLO_MS + 1, SLO_MS)).isFalse();
    }

    @Test
    void muHoldsOnTimeFirstAndKnativesActivatorOldestFirst() {
        FunctionSpec spec = new FunctionSpec("f", 1, 100, 128, Set.of(Arch.AMD64), SLO_MS, 1, 0, 10);
        BalancerPosition position = new BalancerPosition(0, 1);
        assertThat(new MuRouting(spec, position, new SplittableRandom(1)).heldOrder()).isEqualTo(HeldOrder.ON_TIME_FIRST);
        assertThat(new KnativeActivatorRouting(spec, position, new SplittableRandom(1)).heldOrder()).isEqualTo(HeldOrder.OLDEST_FIRST);
    }
}
