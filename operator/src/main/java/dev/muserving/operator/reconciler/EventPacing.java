package dev.muserving.operator.reconciler;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.operator.model.FunctionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How often a function's events that follow the load ({@code Scaled}, {@code Contention}) are
 * written: at most one of each reason per interval, so a load that swings does not flood the
 * namespace. One that comes too soon is held, and the latest held is written once the interval
 * has passed: dropped, as they were until 2026-12-06, a scale-up's last step never showed (an
 * outside probe saw "Scaled from 0 to 1", then "Scaled from 6 to 0", and never the 6). Pure: time
 * is an argument. Thread-safe.
 */
final class EventPacing {

    /** An event to write, on the Function it is about. */
    record Due(Function function, FunctionEvent event) {}

    private record Held(Function function, FunctionEvent event, Instant due) {}

    private final Duration interval;
    private final Map<String, Instant> lastWritten = new HashMap<>();
    private final Map<String, Held> held = new HashMap<>();

    EventPacing(Duration interval) {
        this.interval = interval;
    }

    /** Whether to write the event now; if not, it is held (in place of an earlier one held). */
    synchronized boolean offer(Function function, FunctionEvent event, Instant now) {
        String key = key(function, event);
        Instant last = lastWritten.get(key);
        if (last != null && last.plus(interval).isAfter(now)) {
            held.put(key, new Held(function, event, last.plus(interval)));
            return false;
        }
        lastWritten.put(key, now);
        held.remove(key); // a newer one goes out now
        return true;
    }

    /** The held events whose interval has passed by {@code now}, each counted as written now. */
    synchronized List<Due> due(Instant now) {
        List<Due> due = new ArrayList<>();
        for (Iterator<Map.Entry<String, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Held> entry = it.next();
            if (!entry.getValue().due().isAfter(now)) {
                due.add(new Due(entry.getValue().function(), entry.getValue().event()));
                lastWritten.put(entry.getKey(), now);
                it.remove();
            }
        }
        return due;
    }

    private static String key(Function function, FunctionEvent event) {
        return function.getMetadata().getUid() + "/" + event.reason();
    }
}
