package dev.muserving.bench.family;

import dev.muserving.api.Arch;
import dev.muserving.bench.scenario.ClusterModel;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.NodeGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Sets a scenario's rates to a load, a share of the cluster's capacity. A function's work is the CPU
 * its pods request while busy at their concurrency limit: rate × amd64 mean service time × CPU
 * request ÷ slots, in millicores. The cluster's capacity is its amd64 CPU plus its arm64 CPU at
 * the functions' mean arm64 speed. Load 1 thus means every pod the load keeps busy fits, and not one more.
 */
final class LoadCalibration {

    /** A function at a nominal rate, and whether its rate follows the load (rare functions' does not). */
    record Shape(FunctionModel function, boolean scalesWithLoad) {}

    private final List<Shape> shapes;
    private final double capacityMillis;

    LoadCalibration(ClusterModel cluster, List<Shape> shapes) {
        this.shapes = List.copyOf(shapes);
        double armSpeed = shapes.stream()
                .map(Shape::function)
                .filter(f -> f.spec().architectures().contains(Arch.ARM64) && f.spec().architectures().contains(Arch.AMD64))
                .mapToDouble(f -> f.serviceTimeMs().get(Arch.AMD64).mean() / f.serviceTimeMs().get(Arch.ARM64).mean())
                .average().orElse(0);
        double capacity = 0;
        for (NodeGroup group : cluster.nodeGroups()) {
            capacity += (double) group.count() * group.cpuMillis() * (group.arch() == Arch.AMD64 ? 1 : armSpeed);
        }
        this.capacityMillis = capacity;
    }

    double capacityMillis() {
        return capacityMillis;
    }

    /** Millicores one request per second keeps busy. */
    static double workPerRps(FunctionModel f) {
        return f.serviceTimeMs().get(Arch.AMD64).mean() / 1000 * f.spec().cpuMillis() / f.spec().slots();
    }

    double load(List<FunctionModel> functions) {
        return functions.stream().mapToDouble(f -> f.arrival().meanRps() * workPerRps(f)).sum() / capacityMillis;
    }

    /**
     * The functions with their rates set so that their work is {@code load} × capacity, shared out
     * at random (log-normal shares), no function above {@code maxRps}: a function that would pass it
     * is held there and its share goes to the others (water filling).
     */
    List<FunctionModel> atLoad(double load, SplittableRandom random, double maxRps) {
        int n = shapes.size();
        double[] share = new double[n];
        double[] rps = new double[n];
        boolean[] settled = new boolean[n];
        double left = load * capacityMillis;
        for (int i = 0; i < n; i++) {
            share[i] = Math.exp(random.nextGaussian());
            FunctionModel f = shapes.get(i).function();
            if (!shapes.get(i).scalesWithLoad()) {
                settled[i] = true;
                rps[i] = f.arrival().meanRps();
                left -= rps[i] * workPerRps(f);
            }
        }
        for (boolean changed = true; changed; ) {
            changed = false;
            double shares = 0;
            for (int i = 0; i < n; i++) {
                shares += settled[i] ? 0 : share[i];
            }
            for (int i = 0; i < n && shares > 0; i++) {
                if (!settled[i]) {
                    rps[i] = Math.max(0, left) * share[i] / shares / workPerRps(shapes.get(i).function());
                    if (rps[i] > maxRps) {
                        rps[i] = maxRps;
                        settled[i] = true;
                        left -= maxRps * workPerRps(shapes.get(i).function());
                        changed = true;
                    }
                }
            }
        }
        List<FunctionModel> functions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            FunctionModel f = shapes.get(i).function();
            double factor = rps[i] / f.arrival().meanRps();
            functions.add(new FunctionModel(f.spec(), f.arrival().scaled(factor), f.serviceTimeMs(), f.parallelism(), f.origin()));
        }
        return functions;
    }
}
