package dev.muserving.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FunctionMappingTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static Function read(String name, String spec) {
        return SERIALIZATION.unmarshal(InvalidFunctions.yaml("demo", name, spec), Function.class);
    }

    @Test
    void aFullFunctionResolvesFieldByField() {
        ResolvedFunction resolved = FunctionMapping.resolve(read("resize", """
                  images: {amd64: r.example/resize:1-amd64, arm64: r.example/resize:1-arm64}
                  architectures: [arm64]
                  port: 9090
                  env: [{name: MODE, value: fast}, {name: EMPTY}]
                  containerConcurrency: 4
                  resources: {cpu: "0.5", memory: 1Gi}
                  scale: {min: 1, max: 8, initial: 2, scaleToZeroAfter: 5m}
                  slo: {p99: 300ms}
                  weight: 2.5
                  timeout: 30s
                  local: {command: [python3, handler.py]}
                """));
        assertThat(resolved.key()).isEqualTo(new FunctionKey("demo", "resize"));
        assertThat(resolved.spec()).isEqualTo(new FunctionSpec("demo/resize", 4, 500, 1024, java.util.Set.of(Arch.ARM64), 300, 2.5,
                1, 8, 2, Duration.ofMinutes(5)));
        assertThat(resolved.images()).containsExactly(entry(Arch.ARM64, "r.example/resize:1-arm64"));
        assertThat(resolved.port()).isEqualTo(9090);
        assertThat(resolved.env()).containsExactly(entry("MODE", "fast"), entry("EMPTY", ""));
        assertThat(resolved.cpu()).isEqualTo("0.5");
        assertThat(resolved.memory()).isEqualTo("1Gi");
        assertThat(resolved.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(resolved.localCommand()).containsExactly("python3", "handler.py");
    }

    @Test
    void whatIsLeftOutTakesTheCrdsDefaults() {
        ResolvedFunction resolved = FunctionMapping.resolve(read("echo", "  image: r.example/echo:1\n"));
        FunctionSpec spec = resolved.spec();
        assertThat(spec.containerConcurrency()).isZero();
        assertThat(spec.concurrencyLimited()).isFalse();
        assertThat(spec.cpuMillis()).isEqualTo(100);
        assertThat(spec.memoryMiB()).isEqualTo(128);
        assertThat(spec.architectures()).containsExactly(Arch.AMD64, Arch.ARM64);
        assertThat(spec.sloP99Ms()).as("no SLO: the fallback").isEqualTo(1000);
        assertThat(spec.weight()).isEqualTo(1);
        assertThat(List.of(spec.minScale(), spec.maxScale(), spec.initialScale())).containsExactly(0, 0, 1);
        assertThat(spec.scaleToZeroAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(resolved.images()).containsExactly(entry(Arch.AMD64, "r.example/echo:1"), entry(Arch.ARM64, "r.example/echo:1"));
        assertThat(resolved.port()).isEqualTo(8080);
        assertThat(resolved.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(resolved.localCommand()).isEmpty();
        assertThat(resolved.cpu() + " " + resolved.memory()).isEqualTo("100m 128Mi");
    }

    static List<InvalidFunctions.Case> invalidFunctions() {
        // an unknown field never reaches a Function object: the readers (kubectl, mu local) refuse it
        return InvalidFunctions.cases().stream().filter(c -> !c.name().startsWith("unknown-field")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFunctions")
    void whatTheCrdRefusesIsRefusedHereNamingTheSameField(InvalidFunctions.Case invalid) {
        Function function = read(invalid.name(), invalid.spec());
        assertThat(FunctionValidation.problems(function)).as(invalid.name()).isNotEmpty()
                .anySatisfy(problem -> assertThat(problem.toString()).contains(invalid.names()));
        assertThatThrownBy(() -> FunctionMapping.resolve(function)).isInstanceOf(FunctionMapping.InvalidFunctionException.class)
                .hasMessageContaining(invalid.names());
    }

    @Test
    void aFunctionWithoutSpecOrWithABadNameIsRefused() {
        Function noSpec = SERIALIZATION.unmarshal("apiVersion: muserving.dev/v1alpha1\nkind: Function\nmetadata: {name: x}\n", Function.class);
        assertThat(FunctionValidation.problems(noSpec)).extracting(Object::toString).singleElement().asString().startsWith("spec: missing");
        assertThat(FunctionValidation.problems(read("9-lives", "  image: r/e:1\n"))).extracting(Object::toString)
                .containsExactly("metadata.name: '9-lives' is not a DNS label (at most 63 lower-case letters, digits and '-', starting with a letter)");
        assertThat(FunctionValidation.problems(read("a".repeat(64), "  image: r/e:1\n"))).hasSize(1);
        assertThat(FunctionValidation.problems(read("a".repeat(63), "  image: r/e:1\n"))).isEmpty();
    }

    /** The API server stores any annotation: an unknown policy leaves the rest in force, the host's policy in its place. */
    @Test
    void anUnknownPolicyAloneIsLeftOutForTheHostsDefaultAndAnyOtherProblemStillRefuses() {
        Function typo = read("echo", "  image: r.example/echo:1\n  timeout: 45s\n");
        typo.getMetadata().setAnnotations(Map.of(FunctionNames.AUTOSCALING_ANNOTATION, "fastest",
                FunctionNames.ROUTING_ANNOTATION, "knative"));
        assertThat(FunctionValidation.onlyUnknownPolicies(FunctionValidation.problems(typo))).isTrue();
        assertThatThrownBy(() -> FunctionMapping.resolve(typo)).hasMessageContaining("unknown policy 'fastest'");

        ResolvedFunction resolved = FunctionMapping.resolveIgnoringUnknownPolicies(typo);
        assertThat(resolved.autoscaling()).isEmpty();
        assertThat(resolved.routing()).contains("knative");
        assertThat(resolved.timeout()).isEqualTo(Duration.ofSeconds(45));

        Function alsoBroken = read("echo", "  image: r.example/echo:1\n  timeout: soon\n");
        alsoBroken.getMetadata().setAnnotations(typo.getMetadata().getAnnotations());
        assertThat(FunctionValidation.onlyUnknownPolicies(FunctionValidation.problems(alsoBroken))).isFalse();
        assertThatThrownBy(() -> FunctionMapping.resolveIgnoringUnknownPolicies(alsoBroken)).hasMessageStartingWith("spec.timeout")
                .hasMessageNotContaining("fastest");
        // an annotation key the API server would refuse is no policy's name
        Function badKey = read("echo", "  image: r.example/echo:1\n");
        badKey.getMetadata().setAnnotations(Map.of("-bad-", "x"));
        assertThat(FunctionValidation.onlyUnknownPolicies(FunctionValidation.problems(badKey))).isFalse();
    }
}
