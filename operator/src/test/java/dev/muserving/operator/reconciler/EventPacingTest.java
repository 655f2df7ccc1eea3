package dev.muserving.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.operator.model.FunctionEvent;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventPacingTest {

    private static final Instant T = Instant.parse("2026-12-06T12:00:00Z");
    private final EventPacing pacing = new EventPacing(Duration.ofSeconds(10));
    private final Function webhook = function("uid-1");

    private static Function function(String uid) {
        Function function = new Function();
        function.setMetadata(new ObjectMetaBuilder().withName("webhook").withNamespace("demo").withUid(uid).build());
        return function;
    }

    private static FunctionEvent scaled(int from, int to) {
        return new FunctionEvent(FunctionEvent.Type.Normal, "Scaled", "Scaled from " + from + " to " + to);
    }

    /** Found by an outside probe: 0 → 1 was said, 1 → 5 and 5 → 6 within 10 s were dropped, and the 6 never showed. */
    @Test
    void theLastEventHeldWithinTheIntervalIsWrittenOnceItHasPassed() {
        assertThat(pacing.offer(webhook, scaled(0, 1), T)).isTrue();
        assertThat(pacing.offer(webhook, scaled(1, 5), T.plusSeconds(2))).isFalse();
        assertThat(pacing.offer(webhook, scaled(5, 6), T.plusSeconds(4))).isFalse();

        assertThat(pacing.due(T.plusSeconds(9))).isEmpty();
        assertThat(pacing.due(T.plusSeconds(10))).extracting(due -> due.event().message()).containsExactly("Scaled from 5 to 6");
        assertThat(pacing.due(T.plusSeconds(30))).as("written once").isEmpty();

        assertThat(pacing.offer(webhook, scaled(6, 0), T.plusSeconds(15))).as("10 s after the held one went out").isFalse();
        assertThat(pacing.offer(webhook, scaled(6, 0), T.plusSeconds(20))).isTrue();
        assertThat(pacing.due(T.plusSeconds(40))).as("the one written now replaced the held one").isEmpty();
    }

    @Test
    void eachFunctionAndEachReasonHasAPaceOfItsOwn() {
        assertThat(pacing.offer(webhook, scaled(0, 1), T)).isTrue();
        assertThat(pacing.offer(webhook, new FunctionEvent(FunctionEvent.Type.Warning, "Contention", "placed 1 of 3"), T.plusSeconds(1))).isTrue();
        assertThat(pacing.offer(function("uid-2"), scaled(0, 2), T.plusSeconds(1))).isTrue();
    }
}
