package dev.muserving.bench.family;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.workload.OwnerDefaults;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The kinds of function a scenario family draws besides the Azure-like generator's (docs/bench.md,
 * "Scenario families"). Each gives a function its shape at a nominal rate of 1 rps, which the family
 * scales to the load it wants, except for {@link #RARE}'s, drawn as it stays.
 */
enum Archetype {
    /** Poisson, a few to tens of milliseconds, many requests per pod, an SLO close to its own p99. */
    API,
    /** Bursty (Markov-modulated), tens to hundreds of milliseconds. */
    WEBHOOK,
    /** Diurnal, most of a second of CPU per request, one or two at a time, often amd64 only. */
    ML,
    /** Seconds per request, one at a time, Poisson or timer-driven. */
    BATCH,
    /** A request every few minutes: every one of them risks a cold start. */
    RARE;

    /** Rare functions' arrival rate range, requests per second: one every 10 to 100 s. */
    static final double RARE_MIN_RPS = 0.01;
    static final double RARE_MAX_RPS = 0.1;

    /** Whether the family sets this function's rate to its load, or leaves it as drawn. */
    boolean scalesWithLoad() {
        return this != RARE;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    FunctionModel function(String name, SplittableRandom random, double durationSeconds) {
        return switch (this) {
            case API -> {
                double median = random.nextDouble(3, 30);
                int cc = pick(random, 10, 20, 50);
                yield build(name, random, median, random.nextDouble(2, 4), cc, pick(random, 250, 500), 128,
                        random.nextDouble(1.5, 3), allArchitectures(random, 0.95), new ArrivalSpec.Poisson(1),
                        random.nextDouble() < 0.3 ? 2 : 1);
            }
            case WEBHOOK -> {
                double median = random.nextDouble(30, 300);
                double burstFactor = random.nextDouble(3, 10);
                double burstSeconds = random.nextDouble(2, 10);
                double quietSeconds = burstSeconds * (burstFactor - 1) * random.nextDouble(1.2, 3);
                yield build(name, random, median, random.nextDouble(2, 5), pick(random, 4, 10), pick(random, 250, 500), 256,
                        3, allArchitectures(random, 0.9), new ArrivalSpec.Bursty(1, burstFactor, burstSeconds, quietSeconds), 1);
            }
            case ML -> {
                double period = random.nextDouble(Math.min(200, durationSeconds), durationSeconds);
                yield build(name, random, random.nextDouble(300, 1500), random.nextDouble(1.5, 3), pick(random, 1, 2),
                        pick(random, 1000, 1500), pick(random, 1024, 1536), 3, allArchitectures(random, 0.6),
                        new ArrivalSpec.Diurnal(1, random.nextDouble(0.3, 0.8), period, random.nextDouble(0, period)), 1);
            }
            case BATCH -> build(name, random, random.nextDouble(2000, 8000), random.nextDouble(1.5, 2.5), 1, 1000,
                    pick(random, 512, 1024), 2, allArchitectures(random, 0.7),
                    random.nextDouble() < 0.5 ? new ArrivalSpec.Periodic(1) : new ArrivalSpec.Poisson(1), 1);
            case RARE -> build(name, random, random.nextDouble(20, 500), random.nextDouble(2, 4), pick(random, 1, 4, 10),
                    pick(random, 250, 500), 256, 3, allArchitectures(random, 0.85),
                    new ArrivalSpec.Poisson(random.nextDouble(RARE_MIN_RPS, RARE_MAX_RPS)), 1);
        };
    }

    private static FunctionModel build(String name, SplittableRandom random, double medianMs, double tail, int cc, int cpuMillis,
            int memoryMiB, double sloFactor, Set<Arch> architectures, ArrivalSpec arrival, double weight) {
        LatencyDistribution amd64 = new LatencyDistribution(medianMs, medianMs * tail);
        Map<Arch, LatencyDistribution> service = new EnumMap<>(Arch.class);
        service.put(Arch.AMD64, amd64);
        if (architectures.contains(Arch.ARM64)) {
            service.put(Arch.ARM64, amd64.scaled(random.nextDouble(1.2, 2.0)));
        }
        double slo = OwnerDefaults.sloP99Ms(amd64.p99(), sloFactor);
        FunctionSpec spec = new FunctionSpec(name, cc, cpuMillis, memoryMiB, architectures, slo, weight, 0, 0);
        return new FunctionModel(spec, arrival, service, FunctionModel.defaultParallelism(cc), "family/" + name.replaceAll("-\\d+$", ""));
    }

    private static Set<Arch> allArchitectures(SplittableRandom random, double multiArchShare) {
        return random.nextDouble() < multiArchShare ? EnumSet.allOf(Arch.class) : EnumSet.of(Arch.AMD64);
    }

    static int pick(SplittableRandom random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
