package dev.muserving.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.BadInputException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakTest {

    private static final List<Soak.Kill> KILLS = List.of(new Soak.Kill(1_000, "work", 42));
    private static final String FAILED = "502 mu queue-proxy: the function failed before answering";

    /** Found by an outside probe: half a millisecond passed, and the scheduler refused it after the warm-up with a stack trace. */
    @Test
    void aKillMoreOftenThanOnceASecondIsBadInput() {
        SoakOptions d = SoakOptions.defaults();
        assertThatThrownBy(() -> new SoakOptions(d.duration(), Duration.ofNanos(500_000), d.rate(), d.seed(), d.warmUp(), d.quiet(),
                d.settleLimit(), d.requestTimeout())).isInstanceOf(BadInputException.class)
                .hasMessage("--kill-every must be at least 1s (a pod takes about that to start again), got PT0.0005S");
    }

    @Test
    void aFailureIsAKilledPodsOnlyWhenItsFunctionLostAProcessWhileTheRequestWasInFlight() {
        assertThat(Soak.heldByKilledPod(new Outcomes.Failure("work", "GET", 900, 1_100, FAILED), KILLS)).isTrue();
        assertThat(Soak.heldByKilledPod(new Outcomes.Failure("echo", "GET", 900, 1_100, FAILED), KILLS)).as("another function").isFalse();
        assertThat(Soak.heldByKilledPod(new Outcomes.Failure("work", "GET", 1_001, 1_100, FAILED), KILLS)).as("sent as the pod left").isTrue();
        long late = 1_000 + Soak.LEAVING.toNanos() + 1;
        assertThat(Soak.heldByKilledPod(new Outcomes.Failure("work", "GET", late, late + 100, FAILED), KILLS)).as("sent after it left").isFalse();
        assertThat(Soak.heldByKilledPod(new Outcomes.Failure("work", "GET", 800, 999, FAILED), KILLS)).as("answered before it").isFalse();
        assertThat(Soak.heldByKilledPod(new Outcomes.Failure("work", "GET", 900, 1_100, "504 mu: soak/work did not answer within 60 s"), KILLS))
                .as("not a 502").isFalse();
    }

    @Test
    void causesNameTheStatusAndWhoAnsweredOrWhyNothingCame() {
        assertThat(Outcomes.status(502, "mu queue-proxy: the function failed before answering\nmore")).isEqualTo(FAILED);
        assertThat(Outcomes.noAnswer(new java.io.IOException("Connection reset\nat ..."))).isEqualTo("no answer: IOException: Connection reset");
    }
}
