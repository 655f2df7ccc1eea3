package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.lbbench.LbBench.FixedRun;
import dev.muserving.lbbench.LbBench.RateFigures;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateRoundsTest {

    private static FixedRun run(double rps, double p99, long errors) {
        RateFigures counted = new RateFigures(rps, p99 / 2, p99, p99 * 2, errors, 1_000);
        return new FixedRun(counted, new RateFigures(rps, p99, p99 * 3, p99 * 4, 0, 100));
    }

    @Test
    void aSpellInOneRoundMovesThatRoundAndNotTheMedian() {
        RateRounds direct = new RateRounds(List.of(run(1_000, 4.0, 0), run(1_000, 3.5, 0), run(1_000, 3.8, 0)));
        RateRounds balancer = new RateRounds(List.of(run(990, 4.5, 0), run(1_000, 163.2, 2), run(1_010, 4.6, 1)));

        assertThat(balancer.counted().p99Ms()).isEqualTo(4.6);
        assertThat(balancer.counted().achievedRps()).isEqualTo(1_000);
        assertThat(balancer.counted().errors()).isEqualTo(3);
        assertThat(balancer.counted().requests()).isEqualTo(3_000);
        // each round's pair, taken minutes apart from the other rounds' pairs
        assertThat(balancer.p99Over(direct)).containsExactly(0.5, 163.2 - 3.5, 4.6 - 3.8);
        assertThat(RateRounds.median(balancer.p99Over(direct))).isEqualTo(0.8, within(1e-9));
        assertThat(balancer.start().p99Ms()).isEqualTo(4.6 * 3, within(1e-9));
    }

    @Test
    void anEvenNumberOfRoundsTakesTheMeanOfTheMiddleTwo() {
        assertThat(RateRounds.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(RateRounds.median(new double[] {7})).isEqualTo(7);
    }

    @Test
    void theGeneratorFallingBehindInAnyRoundIsFlagged() {
        LbBench.Rate rate = new LbBench.Rate(50, 1_000);
        assertThat(new RateRounds(List.of(run(1_000, 4, 0), run(900, 4, 0))).generatorLimited(rate)).isTrue();
        assertThat(new RateRounds(List.of(run(1_000, 4, 0), run(960, 4, 0))).generatorLimited(rate)).isFalse();
    }

    @Test
    void targetsWithDifferentRoundsCannotBePaired() {
        RateRounds one = new RateRounds(List.of(run(1_000, 4, 0)));
        RateRounds two = new RateRounds(List.of(run(1_000, 4, 0), run(1_000, 4, 0)));
        assertThatThrownBy(() -> two.p99Over(one)).hasMessageContaining("2 rounds against 1");
        assertThatThrownBy(() -> new RateRounds(List.of())).hasMessageContaining("at least one run");
    }
}
