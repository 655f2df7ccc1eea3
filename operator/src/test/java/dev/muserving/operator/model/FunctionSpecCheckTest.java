package dev.muserving.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionSpecCheckTest {

    @Test
    void aFunctionTheCrdAcceptsHasNoProblemAndItsChildrenAreBuiltWithTheDefaults() {
        Function fn = FunctionWorkloadModelTest.function("resize");
        fn.getSpec().resources = null; // as the API server would fill it, or an object stored before it did
        fn.getSpec().timeout = null;
        assertThat(FunctionSpecCheck.problems(fn)).isEmpty();
        var container = new FunctionWorkloadModel(OperatorSettings.DEFAULTS).toDeployment(fn, Arch.ARM64, 1)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
        assertThat(container.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
    }

    @Test
    void whatTheOperatorCannotActOnIsNamedFieldByField() {
        Function noSpec = FunctionWorkloadModelTest.function("resize");
        noSpec.setSpec(null);
        assertThat(FunctionSpecCheck.problems(noSpec)).singleElement().asString().startsWith("spec: missing");

        Function many = FunctionWorkloadModelTest.function("9-lives");
        many.getSpec().architectures = List.of("amd64", "sparc");
        many.getSpec().timeout = "99999999999999999999h";
        many.getSpec().resources.memory = "lots";
        assertThat(FunctionSpecCheck.problems(many)).containsExactly(
                "metadata.name: '9-lives' is not a DNS label (at most 63 lower-case letters, digits and '-', starting with a letter)",
                "spec.architectures: 'sparc' is not amd64 or arm64",
                "spec.timeout: '99999999999999999999h' is not a duration that can be held (500ms, 30s, 5m, 1h)",
                "spec.resources.memory: 'lots' is not a quantity");

        Function noImage = FunctionWorkloadModelTest.function("resize");
        noImage.getSpec().images = Map.of("amd64", "r.example/e:1");
        assertThat(FunctionSpecCheck.problems(noImage)).containsExactly("spec.images: no image for arm64 and no spec.image");
    }
}
