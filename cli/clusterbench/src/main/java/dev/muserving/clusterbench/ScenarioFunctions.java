package dev.muserving.clusterbench;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.PolicySet;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.sim.Seeds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scenario function as a Function resource: its pods run the emulated function with the
 * scenario's service times per architecture ({@code MU_SERVICE_MS_<ARCH>}, which the emulated
 * function picks by the node it runs on), its parallelism and a seed of its own; the system's routing
 * and autoscaling policies are the Function's annotations. Placement is the cluster's.
 */
final class ScenarioFunctions {

    private ScenarioFunctions() {}

    static Function of(FunctionModel model, int index, long seed, String namespace, String image, PolicySet system) {
        FunctionSpec spec = model.spec();
        Function function = new Function();
        function.setMetadata(new ObjectMetaBuilder().withName(model.name()).withNamespace(namespace)
                .withAnnotations(Map.of(FunctionNames.ROUTING_ANNOTATION, system.routing(), FunctionNames.AUTOSCALING_ANNOTATION,
                        system.autoscaling()))
                .build());
        FunctionResourceSpec resource = new FunctionResourceSpec();
        resource.image = image;
        resource.architectures = spec.architectures().stream().map(Arch::label).toList();
        resource.containerConcurrency = spec.containerConcurrency();
        resource.resources = new FunctionResourceSpec.Resources();
        resource.resources.cpu = spec.cpuMillis() + "m";
        resource.resources.memory = spec.memoryMiB() + "Mi";
        resource.scale = new FunctionResourceSpec.Scale();
        resource.scale.min = spec.minScale();
        resource.scale.max = spec.maxScale();
        resource.scale.initial = spec.initialScale();
        resource.scale.scaleToZeroAfter = spec.scaleToZeroAfter().toSeconds() + "s";
        resource.slo = new FunctionResourceSpec.Slo();
        resource.slo.p99 = Math.round(spec.sloP99Ms()) + "ms";
        resource.weight = spec.weight();
        resource.env = env(model, index, seed);
        function.setSpec(resource);
        return function;
    }

    private static List<FunctionResourceSpec.EnvVar> env(FunctionModel model, int index, long seed) {
        List<FunctionResourceSpec.EnvVar> env = new ArrayList<>();
        env.add(variable("MU_FUNCTION_NAME", model.name()));
        for (Map.Entry<Arch, LatencyDistribution> service : model.serviceTimeMs().entrySet()) {
            String arch = service.getKey().label().toUpperCase(Locale.ROOT);
            env.add(variable("MU_SERVICE_MS_" + arch, millis(service.getValue().median())));
            env.add(variable("MU_SERVICE_P99_MS_" + arch, millis(service.getValue().p99())));
        }
        if (model.parallelism() != Integer.MAX_VALUE) {
            env.add(variable("MU_PARALLELISM", Integer.toString(model.parallelism())));
        }
        env.add(variable("MU_SEED", Long.toString(Math.floorMod(Seeds.mix(seed ^ index), Integer.MAX_VALUE))));
        return env;
    }

    private static String millis(double ms) {
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    private static FunctionResourceSpec.EnvVar variable(String name, String value) {
        FunctionResourceSpec.EnvVar variable = new FunctionResourceSpec.EnvVar();
        variable.name = name;
        variable.value = value;
        return variable;
    }
}
