package dev.muserving.dataplane.stream;

import dev.muserving.api.Arch;
import dev.muserving.api.LatencyHistogram;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The text frames of the metric stream from an activator-lb to the controller (docs/protocol.md,
 * "Metric stream"): one JSON object per frame, told apart by {@code type}. A frame that does not
 * decode is refused with a message that names the field, and the stream goes on.
 */
public final class MetricFrames {

    /** The path the controller serves the stream on. */
    public static final String PATH = "/v1/metric-stream";
    public static final int VERSION = 1;

    /** What a decoded frame says. */
    public sealed interface Frame permits Hello, Snapshot, Demand {}

    /** The first frame on a connection: who is sending. */
    public record Hello(String replica, int version) implements Frame {}

    public record Snapshot(MetricSnapshot snapshot) implements Frame {}

    /** A request waits for a function that has no ready pod. */
    public record Demand(String function, Instant at) implements Frame {}

    /** A frame that cannot be read. */
    public static final class BadFrameException extends RuntimeException {
        BadFrameException(String message) {
            super(message);
        }
    }

    private MetricFrames() {}

    public static String hello(String replica) {
        return new JsonObject().put("type", "hello").put("replica", replica).put("version", VERSION).encode();
    }

    public static String demand(String function, Instant at) {
        return new JsonObject().put("type", "demand").put("function", function).put("at", at.toString()).encode();
    }

    public static String snapshot(MetricSnapshot s) {
        JsonArray pods = new JsonArray();
        for (PodMetrics pod : s.pods()) {
            pods.add(new JsonObject().put("pod", pod.pod()).put("arch", pod.arch().label())
                    .put("queueLength", pod.queueLength()).put("serviceRate", pod.serviceRate()));
        }
        return new JsonObject().put("type", "snapshot").put("function", s.function()).put("at", s.at().toString())
                .put("intervalMillis", s.interval().toMillis()).put("arrivals", s.arrivals()).put("completions", s.completions())
                .put("averageConcurrency", s.averageConcurrency()).put("bufferedRequests", s.bufferedRequests())
                .put("pods", pods).put("latencyBuckets", latency(s.latency())).encode();
    }

    private static JsonObject latency(LatencyHistogram histogram) {
        JsonObject buckets = new JsonObject();
        histogram.buckets().forEach((bucket, count) -> buckets.put(Integer.toString(bucket), count));
        return buckets;
    }

    /** @throws BadFrameException naming what is wrong */
    public static Frame decode(String text) {
        JsonObject json;
        try {
            json = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw new BadFrameException("not a JSON object: " + e.getMessage());
        }
        String type = string(json, "type");
        return switch (type) {
            case "hello" -> new Hello(string(json, "replica"), (int) number(json, "version"));
            case "demand" -> new Demand(function(json), instant(json, "at"));
            case "snapshot" -> new Snapshot(snapshotOf(json));
            default -> throw new BadFrameException("type: unknown frame type '" + type + "' (hello, snapshot, demand)");
        };
    }

    private static MetricSnapshot snapshotOf(JsonObject json) {
        long interval = (long) number(json, "intervalMillis");
        if (interval <= 0) {
            throw new BadFrameException("intervalMillis: must be positive, got " + interval);
        }
        List<PodMetrics> pods = new ArrayList<>();
        Object array = json.getValue("pods");
        if (!(array instanceof JsonArray list)) {
            throw new BadFrameException("pods: an array is required");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof JsonObject pod)) {
                throw new BadFrameException("pods[" + i + "]: an object is required");
            }
            try {
                pods.add(podOf(pod));
            } catch (BadFrameException e) {
                throw new BadFrameException("pods[" + i + "]." + e.getMessage());
            }
        }
        return new MetricSnapshot(function(json), instant(json, "at"), Duration.ofMillis(interval), (long) number(json, "arrivals"),
                (long) number(json, "completions"), number(json, "averageConcurrency"), (int) number(json, "bufferedRequests"), pods,
                latencyOf(json));
    }

    /** Optional: a sender that measures no latency leaves it out. */
    private static LatencyHistogram latencyOf(JsonObject json) {
        Object value = json.getValue("latencyBuckets");
        if (value == null) {
            return LatencyHistogram.EMPTY;
        }
        if (!(value instanceof JsonObject buckets)) {
            throw new BadFrameException("latencyBuckets: an object of bucket → count is required");
        }
        Map<Integer, Long> counts = new HashMap<>();
        for (String bucket : buckets.fieldNames()) {
            try {
                counts.put(Integer.parseInt(bucket), (long) number(buckets, bucket));
            } catch (NumberFormatException e) {
                throw new BadFrameException("latencyBuckets: '" + bucket + "' is not a bucket number");
            } catch (BadFrameException e) {
                throw new BadFrameException("latencyBuckets." + e.getMessage());
            }
        }
        try {
            return LatencyHistogram.of(counts);
        } catch (IllegalArgumentException e) {
            throw new BadFrameException("latencyBuckets: " + e.getMessage());
        }
    }

    private static PodMetrics podOf(JsonObject pod) {
        String archLabel = string(pod, "arch");
        Arch arch = Arch.fromLabel(archLabel).orElseThrow(() -> new BadFrameException("arch: unknown architecture '" + archLabel + "'"));
        return new PodMetrics(string(pod, "pod"), arch, (int) number(pod, "queueLength"), number(pod, "serviceRate"));
    }

    private static String function(JsonObject json) {
        String function = string(json, "function");
        int slash = function.indexOf('/');
        if (slash <= 0 || slash == function.length() - 1 || function.indexOf('/', slash + 1) >= 0) {
            throw new BadFrameException("function: '" + function + "' is not <namespace>/<name>");
        }
        return function;
    }

    private static String string(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new BadFrameException(field + ": a non-empty string is required");
        }
        return s;
    }

    private static double number(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw new BadFrameException(field + ": a finite number ≥ 0 is required");
        }
        return n.doubleValue();
    }

    private static Instant instant(JsonObject json, String field) {
        String value = string(json, field);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadFrameException(field + ": not an ISO-8601 instant: '" + value + "'");
        }
    }
}
