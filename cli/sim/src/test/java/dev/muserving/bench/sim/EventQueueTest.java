package dev.muserving.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    private record Event(double time, int seq, int kind, int payload) {}

    @Test
    void popsInTimeOrderAndEqualTimesInInsertionOrder() {
        EventQueue queue = new EventQueue();
        SplittableRandom random = new SplittableRandom(5);
        List<Event> pushed = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            double time = random.nextInt(500) / 4.0; // many equal times
            int kind = random.nextInt(5);
            int payload = random.nextInt() ;
            queue.push(time, kind, payload);
            pushed.add(new Event(time, i, kind, payload));
        }
        pushed.sort(Comparator.comparingDouble(Event::time).thenComparingInt(Event::seq));
        for (Event expected : pushed) {
            queue.pop();
            assertThat(queue.time()).isEqualTo(expected.time());
            assertThat(queue.kind()).isEqualTo(expected.kind());
            assertThat(queue.payload()).isEqualTo(expected.payload());
        }
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void interleavedPushesAndPopsStayOrdered() {
        EventQueue queue = new EventQueue();
        SplittableRandom random = new SplittableRandom(6);
        double now = 0;
        for (int i = 0; i < 100; i++) {
            queue.push(random.nextDouble() * 10, 0, i);
        }
        for (int i = 0; i < 50_000; i++) {
            queue.pop();
            assertThat(queue.time()).isGreaterThanOrEqualTo(now);
            now = queue.time();
            queue.push(now + random.nextExponential(), 0, i);
        }
        assertThat(queue.size()).isEqualTo(100);
        assertThat(queue.capacity()).isLessThanOrEqualTo(1024);
    }
}
