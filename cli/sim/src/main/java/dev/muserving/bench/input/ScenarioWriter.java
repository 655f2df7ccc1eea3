package dev.muserving.bench.input;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.ClusterModel;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.scenario.NodeGroup;
import dev.muserving.bench.scenario.Scenario;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.stream.Collectors;

/**
 * Writes a scenario in the schema {@link ScenarioLoader} reads, numbers to six significant digits,
 * so that a generated scenario can be read, edited and replayed on its own.
 */
public final class ScenarioWriter {

    private static final MathContext DIGITS = new MathContext(6);

    private ScenarioWriter() {}

    public static String write(Scenario scenario, String comment) {
        StringBuilder out = new StringBuilder();
        comment.lines().forEach(line -> out.append("# ").append(line).append('\n'));
        out.append("name: ").append(scenario.name()).append('\n');
        out.append("durationSeconds: ").append(number(scenario.durationSeconds())).append('\n');
        out.append("seed: ").append(scenario.seed()).append('\n');
        ClusterModel cluster = scenario.cluster();
        out.append("cluster:\n");
        out.append("  loadBalancers: ").append(cluster.loadBalancers()).append('\n');
        out.append("  balancerQueueLimit: ").append(cluster.balancerQueueLimit()).append('\n');
        out.append("  requestTimeoutSeconds: ").append(number(cluster.requestTimeoutSeconds())).append('\n');
        out.append("  podStartupSeconds: ").append(distribution(cluster.podStartup())).append('\n');
        out.append("  nodes:\n");
        for (NodeGroup group : cluster.nodeGroups()) {
            out.append(String.format(java.util.Locale.ROOT, "    - {count: %d, arch: %s, cpu: %dm, memoryMiB: %d}%n",
                    group.count(), group.arch().label(), group.cpuMillis(), group.memoryMiB()));
        }
        out.append("functions:\n");
        for (FunctionModel f : scenario.functions()) {
            FunctionSpec spec = f.spec();
            out.append("  - name: ").append(spec.name()).append('\n');
            out.append("    arrival: ").append(arrival(f.arrival())).append('\n');
            out.append("    serviceTimeMs: {").append(spec.architectures().stream().sorted()
                    .map(a -> a.label() + ": " + distribution(f.serviceTimeMs().get(a))).collect(Collectors.joining(", "))).append("}\n");
            out.append("    architectures: [").append(spec.architectures().stream().sorted().map(Arch::label)
                    .collect(Collectors.joining(", "))).append("]\n");
            out.append("    cpu: ").append(spec.cpuMillis()).append("m\n");
            out.append("    memoryMiB: ").append(spec.memoryMiB()).append('\n');
            out.append("    containerConcurrency: ").append(spec.containerConcurrency()).append('\n');
            if (f.parallelism() != FunctionModel.defaultParallelism(spec.containerConcurrency())) {
                out.append("    parallelism: ").append(f.parallelism()).append('\n');
            }
            out.append("    sloP99Ms: ").append(number(spec.sloP99Ms())).append('\n');
            out.append("    weight: ").append(number(spec.weight())).append('\n');
            if (spec.minScale() > 0) {
                out.append("    minScale: ").append(spec.minScale()).append('\n');
            }
            if (spec.maxScale() > 0) {
                out.append("    maxScale: ").append(spec.maxScale()).append('\n');
            }
        }
        return out.toString();
    }

    private static String arrival(ArrivalSpec arrival) {
        if (arrival instanceof ArrivalSpec.Poisson p) {
            return "{type: poisson, rps: " + number(p.rps()) + "}";
        }
        if (arrival instanceof ArrivalSpec.Periodic p) {
            return "{type: periodic, rps: " + number(p.rps()) + "}";
        }
        if (arrival instanceof ArrivalSpec.Bursty b) {
            return "{type: bursty, rps: " + number(b.rps()) + ", burstRps: " + number(b.burstRps())
                    + ", burstSeconds: " + number(b.burstSeconds()) + ", quietSeconds: " + number(b.quietSeconds()) + "}";
        }
        if (arrival instanceof ArrivalSpec.Diurnal d) {
            return "{type: diurnal, rps: " + number(d.rps()) + ", amplitude: " + number(d.amplitude())
                    + ", periodSeconds: " + number(d.periodSeconds()) + ", phaseSeconds: " + number(d.phaseSeconds()) + "}";
        }
        return "{type: perMinute, counts: " + ((ArrivalSpec.PerMinute) arrival).counts() + "}";
    }

    private static String distribution(LatencyDistribution d) {
        return "{median: " + number(d.median()) + ", p99: " + number(d.p99()) + "}";
    }

    static String number(double value) {
        return new BigDecimal(value).round(DIGITS).stripTrailingZeros().toPlainString();
    }
}
