package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import java.time.Duration;
import java.util.Map;

/**
 * What a function's traffic says, as the metric stream tells the controller: the service rate of
 * its pods per architecture, and the p99 latency of its requests over the recent window.
 *
 * @param p99Ms NaN when no request was answered in the window
 */
public record Serving(Map<Arch, Double> serviceRates, double p99Ms, long requests, Duration window) {

    public static final Serving UNMEASURED = new Serving(Map.of(), Double.NaN, 0, Duration.ZERO);

    public Serving {
        serviceRates = Map.copyOf(serviceRates);
    }

    /** Where the controller reads them. */
    @FunctionalInterface
    public interface Source {
        Source NONE = key -> UNMEASURED;

        Serving serving(FunctionKey function);
    }
}
