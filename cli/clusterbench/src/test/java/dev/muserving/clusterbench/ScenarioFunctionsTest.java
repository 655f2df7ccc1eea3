package dev.muserving.clusterbench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.PolicySets;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.scenario.Scenario;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ScenarioFunctionsTest {

    private static final Scenario SCENARIO = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, w -> { }).parse("s.yaml", """
            name: s
            durationSeconds: 30
            seed: 9
            cluster:
              podStartupSeconds: {median: 1.5, p99: 6}
              nodes: [{count: 1, arch: amd64, cpu: 4, memoryMiB: 8192}, {count: 1, arch: arm64, cpu: 4, memoryMiB: 8192}]
            functions:
              - name: resize
                arrival: {type: poisson, rps: 4}
                serviceTimeMs: {amd64: {median: 120, p99: 400}, arm64: {median: 200, p99: 650}}
                cpu: 500m
                memoryMiB: 256
                containerConcurrency: 4
                sloP99Ms: 1000
              - name: transcode
                arrival: {type: poisson, rps: 1}
                serviceTimeMs: {amd64: {median: 900, p99: 2500}}
                architectures: [amd64]
                cpu: 1
                memoryMiB: 512
                containerConcurrency: 0
                sloP99Ms: 5000
            """);

    private static Map<String, String> env(Function function) {
        return function.getSpec().env.stream().collect(Collectors.toMap(v -> v.name, v -> v.value));
    }

    @Test
    void aScenarioFunctionRunsTheEmulatedFunctionWithItsServiceTimesPerArchitectureAndTheSystemsPolicies() {
        Function resize = ScenarioFunctions.of(SCENARIO.functions().get(0), 0, SCENARIO.seed(), "mu-bench-knative", ClusterBench.DEFAULT_IMAGE,
                PolicySets.byName(PolicySets.KNATIVE).orElseThrow());

        assertThat(resize.getMetadata().getName()).isEqualTo("resize");
        assertThat(resize.getMetadata().getNamespace()).isEqualTo("mu-bench-knative");
        assertThat(resize.getMetadata().getAnnotations()).containsEntry(FunctionNames.ROUTING_ANNOTATION, "knative")
                .containsEntry(FunctionNames.AUTOSCALING_ANNOTATION, "knative");
        FunctionResourceSpec spec = resize.getSpec();
        assertThat(spec.image).isEqualTo(ClusterBench.DEFAULT_IMAGE);
        assertThat(spec.architectures).containsExactlyInAnyOrder("amd64", "arm64");
        assertThat(spec.resources.cpu).isEqualTo("500m");
        assertThat(spec.resources.memory).isEqualTo("256Mi");
        assertThat(spec.containerConcurrency).isEqualTo(4);
        assertThat(spec.slo.p99).isEqualTo("1000ms");
        assertThat(env(resize)).containsEntry("MU_SERVICE_MS_AMD64", "120.000").containsEntry("MU_SERVICE_P99_MS_AMD64", "400.000")
                .containsEntry("MU_SERVICE_MS_ARM64", "200.000").containsEntry("MU_SERVICE_P99_MS_ARM64", "650.000")
                .containsEntry("MU_PARALLELISM", "4").containsEntry("MU_FUNCTION_NAME", "resize").containsKey("MU_SEED");
    }

    @Test
    void anUnlimitedFunctionGetsNoParallelismLimitAndEachFunctionItsOwnSeed() {
        Function resize = ScenarioFunctions.of(SCENARIO.functions().get(0), 0, SCENARIO.seed(), "ns", "img:1", PolicySets.byName("mu").orElseThrow());
        Function transcode = ScenarioFunctions.of(SCENARIO.functions().get(1), 1, SCENARIO.seed(), "ns", "img:1", PolicySets.byName("mu").orElseThrow());

        assertThat(transcode.getSpec().architectures).containsExactly("amd64");
        assertThat(transcode.getSpec().resources.cpu).isEqualTo("1000m");
        assertThat(env(transcode)).doesNotContainKey("MU_PARALLELISM").doesNotContainKey("MU_SERVICE_MS_ARM64");
        assertThat(env(transcode).get("MU_SEED")).isNotEqualTo(env(resize).get("MU_SEED"));
        assertThat(resize.getMetadata().getAnnotations()).containsEntry(FunctionNames.AUTOSCALING_ANNOTATION, "mu");
    }
}
