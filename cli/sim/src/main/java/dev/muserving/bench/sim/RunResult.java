package dev.muserving.bench.sim;

import dev.muserving.bench.scenario.FunctionModel;
import java.util.List;

/**
 * What one system's run measured, per function.
 *
 * @param requestTimeoutSeconds how long a request could wait before it was dropped: the latency a
 *     dropped request is counted at in the summary
 */
public record RunResult(String system, double simulatedSeconds, double requestTimeoutSeconds, List<FunctionResult> functions,
        RunFootprint footprint) {

    public record FunctionResult(FunctionModel function, FunctionStats stats) {}

    /**
     * How large the simulator's own structures grew: the evidence that memory follows the requests in
     * flight, not the length of the run.
     */
    public record RunFootprint(int requestSlots, int eventSlots) {}
}
