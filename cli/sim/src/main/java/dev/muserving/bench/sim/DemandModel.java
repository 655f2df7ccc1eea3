package dev.muserving.bench.sim;

import dev.muserving.api.Arch;
import dev.muserving.bench.scenario.FunctionModel;
import java.util.Map;

/**
 * One function's demand and capacity defined the same way for every system (docs/bench.md,
 * "Measuring honestly"): the offered load from the shared arrival stream, each arrival busy for the
 * fastest architecture's mean service time, divided by the per-pod target (the concurrency limit, or
 * Knative's default target without one; {@link OfferedLoad}), against the ready pods, each counted at its
 * architecture's speed relative to the fastest. No system's autoscaler enters it.
 */
public final class DemandModel {

    private final double fastestServiceSeconds;
    private final int slots;
    private final double[] speed = new double[Arch.values().length];

    private DemandModel(FunctionModel model) {
        double fastestMs = model.spec().architectures().stream().mapToDouble(a -> model.serviceTimeMs().get(a).mean()).min().orElseThrow();
        for (Arch arch : model.spec().architectures()) {
            speed[arch.ordinal()] = fastestMs / model.serviceTimeMs().get(arch).mean();
        }
        fastestServiceSeconds = fastestMs / 1000;
        slots = model.spec().slots();
    }

    public static DemandModel of(FunctionModel model) {
        return new DemandModel(model);
    }

    /** A fresh account of the pods of the fastest architecture the arrivals keep busy at the target. */
    public OfferedLoad offeredLoad() {
        return new OfferedLoad(fastestServiceSeconds, 1.0 / slots);
    }

    /** A ready pod of this architecture, as a share of a pod of the fastest (0 where the function cannot run). */
    public double speed(Arch arch) {
        return speed[arch.ordinal()];
    }

    public double capacity(Map<Arch, Integer> readyByArch) {
        double total = 0;
        for (Map.Entry<Arch, Integer> ready : readyByArch.entrySet()) {
            total += speed(ready.getKey()) * ready.getValue();
        }
        return total;
    }
}
