package dev.muserving.local;

import dev.muserving.api.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** Arrivals per second of each function over the last few seconds, from the activator's snapshots. */
final class RecentRates {

    private static final Duration WINDOW = Duration.ofSeconds(10);

    private record Sample(Instant at, Duration interval, long arrivals) {}

    private final Map<String, Deque<Sample>> samples = new HashMap<>();

    synchronized void record(MetricSnapshot snapshot) {
        Deque<Sample> recent = samples.computeIfAbsent(snapshot.function(), f -> new ArrayDeque<>());
        recent.addLast(new Sample(snapshot.at(), snapshot.interval(), snapshot.arrivals()));
        while (!recent.isEmpty() && recent.peekFirst().at().isBefore(snapshot.at().minus(WINDOW))) {
            recent.removeFirst();
        }
    }

    synchronized double perSecond(String function, Instant now) {
        Deque<Sample> recent = samples.get(function);
        if (recent == null) {
            return 0;
        }
        long arrivals = 0;
        for (Sample s : recent) {
            if (!s.at().isBefore(now.minus(WINDOW))) {
                arrivals += s.arrivals();
            }
        }
        return arrivals / (double) WINDOW.toSeconds();
    }
}
