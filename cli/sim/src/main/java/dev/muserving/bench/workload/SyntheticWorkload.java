package dev.muserving.bench.workload;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates functions with the statistics of the Azure Functions 2019 trace (BASELINES.md): rates
 * log-normal over several orders of magnitude and shifted by trigger (queue and event functions are
 * few but busy), about half of the functions under a second of mean duration, memory mostly under
 * 400 MB, bursty arrivals for queue, event and orchestration triggers, evenly spaced ones for timers.
 */
public final class SyntheticWorkload {

    /** Median and spread of per-app memory: 90 % of apps under 400 MB (ln(400/150)/1.2816 = 0.77). */
    static final double MEMORY_MEDIAN_MB = 150;
    static final double MEMORY_SPREAD = 0.77;
    static final double MULTI_ARCH_SHARE = 0.85;

    private SyntheticWorkload() {}

    public static List<FunctionModel> generate(SyntheticOptions options) {
        SplittableRandom random = new SplittableRandom(options.seed());
        int n = options.functions();
        Trigger[] triggers = new Trigger[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            triggers[i] = Trigger.pick(random.nextDouble());
            weights[i] = Math.exp(options.rateSpread() * random.nextGaussian()) * triggers[i].rateFactor();
        }
        double[] rates = shareOut(weights, options.totalRps(), options.maxFunctionShare());

        int digits = Integer.toString(n - 1).length();
        List<FunctionModel> functions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = String.format("syn-%0" + digits + "d-%s", i, triggers[i].label());
            functions.add(function(name, triggers[i], rates[i], options, random));
        }
        return functions;
    }

    private static FunctionModel function(
            String name, Trigger trigger, double rps, SyntheticOptions options, SplittableRandom random) {
        double median = options.durationMedianMs() * Math.exp(options.durationSpread() * random.nextGaussian());
        double tail = Math.exp(random.nextDouble(Math.log(2), Math.log(6)));
        LatencyDistribution amd64 = new LatencyDistribution(median, median * tail);
        double slowdown = options.armSlowdownMin() == options.armSlowdownMax()
                ? options.armSlowdownMin()
                : random.nextDouble(options.armSlowdownMin(), options.armSlowdownMax());
        Map<Arch, LatencyDistribution> service = new EnumMap<>(Arch.class);
        service.put(Arch.AMD64, amd64);
        service.put(Arch.ARM64, amd64.scaled(slowdown));
        EnumSet<Arch> archs = random.nextDouble() < MULTI_ARCH_SHARE ? EnumSet.allOf(Arch.class) : EnumSet.of(Arch.AMD64);
        double memory = MEMORY_MEDIAN_MB * Math.exp(MEMORY_SPREAD * random.nextGaussian());
        int cc = OwnerDefaults.containerConcurrency(median);
        FunctionSpec spec = new FunctionSpec(
                name,
                cc,
                OwnerDefaults.cpuMillis(median),
                OwnerDefaults.memoryMiB(Math.min(memory, 2048)),
                archs,
                OwnerDefaults.sloP99Ms(amd64.p99(), options.sloFactor()),
                1,
                0,
                0);
        return new FunctionModel(spec, arrival(trigger, rps, random), service,
                FunctionModel.defaultParallelism(cc), "synthetic/" + trigger.label());
    }

    private static ArrivalSpec arrival(Trigger trigger, double rps, SplittableRandom random) {
        return switch (trigger) {
            case QUEUE, EVENT, ORCHESTRATION -> {
                double burstFactor = random.nextDouble(4, 10);
                double burstSeconds = random.nextDouble(3, 15);
                // quiet >= burst * (factor - 1) keeps the quiet rate non-negative at the same mean
                double quietSeconds = burstSeconds * (burstFactor - 1) * random.nextDouble(1.2, 3);
                yield new ArrivalSpec.Bursty(rps, rps * burstFactor, burstSeconds, quietSeconds);
            }
            case TIMER -> new ArrivalSpec.Periodic(rps);
            case HTTP, OTHERS -> new ArrivalSpec.Poisson(rps);
        };
    }

    /**
     * Splits {@code total} in proportion to {@code weights}, no share above {@code maxShare}: capped
     * shares are fixed and the rest is split again among the others (water filling).
     */
    static double[] shareOut(double[] weights, double total, double maxShare) {
        int n = weights.length;
        double[] rates = new double[n];
        boolean[] capped = new boolean[n];
        double cap = Math.max(maxShare, 1.0 / n) * total;
        double left = total;
        for (boolean changed = true; changed; ) {
            changed = false;
            double weightLeft = 0;
            for (int i = 0; i < n; i++) {
                if (!capped[i]) {
                    weightLeft += weights[i];
                }
            }
            for (int i = 0; i < n; i++) {
                if (!capped[i]) {
                    rates[i] = left * weights[i] / weightLeft;
                }
            }
            for (int i = 0; i < n; i++) {
                if (!capped[i] && rates[i] > cap) {
                    capped[i] = true;
                    rates[i] = cap;
                    left -= cap;
                    changed = true;
                }
            }
        }
        return rates;
    }
}
