package dev.muserving.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FunctionWorkloadModelTest {

    private final FunctionWorkloadModel model = new FunctionWorkloadModel(OperatorSettings.DEFAULTS);

    static Function function(String name) {
        Function fn = new Function();
        fn.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("demo").withUid("uid-1").build());
        FunctionResourceSpec spec = new FunctionResourceSpec();
        spec.images = Map.of("amd64", "registry.example/resize:1-amd64", "arm64", "registry.example/resize:1-arm64");
        spec.resources = new FunctionResourceSpec.Resources();
        spec.resources.cpu = "250m";
        spec.resources.memory = "128Mi";
        spec.containerConcurrency = 4;
        spec.timeout = "30s";
        FunctionResourceSpec.EnvVar mode = new FunctionResourceSpec.EnvVar();
        mode.name = "MODE";
        mode.value = "fast";
        spec.env = List.of(mode);
        fn.setSpec(spec);
        return fn;
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void oneDeploymentPerArchitecturePinnedToItsNodesWithItsImage() {
        Function fn = function("resize");
        assertThat(FunctionMapping.resolve(fn).spec().architectures()).containsExactly(Arch.AMD64, Arch.ARM64);
        Deployment arm = model.toDeployment(fn, Arch.ARM64, 3);

        assertThat(arm.getMetadata().getName()).isEqualTo("resize-arm64");
        assertThat(arm.getMetadata().getNamespace()).isEqualTo("demo");
        assertThat(arm.getSpec().getReplicas()).isEqualTo(3);
        assertThat(arm.getSpec().getSelector().getMatchLabels())
                .isEqualTo(arm.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("muserving.dev/function", "resize").containsEntry("muserving.dev/arch", "arm64");
        PodSpec pod = arm.getSpec().getTemplate().getSpec();
        assertThat(pod.getSchedulerName()).isEqualTo("mu-placement");
        assertThat(pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
                .get(0).getMatchExpressions().get(0)).satisfies(e -> {
                    assertThat(e.getKey()).isEqualTo("kubernetes.io/arch");
                    assertThat(e.getValues()).containsExactly("arm64");
                });
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("function", "queue-proxy");
        Container user = pod.getContainers().get(0);
        assertThat(user.getImage()).isEqualTo("registry.example/resize:1-arm64");
        assertThat(env(user)).containsEntry("MODE", "fast").containsEntry("PORT", "8080");
        assertThat(user.getResources().getRequests()).containsKeys("cpu", "memory");
    }

    @Test
    void theQueueProxyIsInjectedWithTheFunctionsLimitsAndProbesThePod() {
        Container sidecar = model.toDeployment(function("resize"), Arch.AMD64, 1).getSpec().getTemplate().getSpec().getContainers().get(1);
        assertThat(sidecar.getImage()).isEqualTo(OperatorSettings.DEFAULTS.queueProxyImage());
        assertThat(env(sidecar)).containsEntry("MU_CONTAINER_CONCURRENCY", "4").containsEntry("MU_ARCH", "amd64")
                .containsEntry("MU_USER_PORT", "8080").containsEntry("MU_REQUEST_TIMEOUT_SECONDS", "30").containsEntry("MU_PORT", "8012");
        assertThat(sidecar.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("MU_POD_NAME");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        assertThat(sidecar.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(sidecar.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
        // placement adds it to the pod's: at least what the sidecar's JVM holds once it has served (dataplane.md)
        assertThat(sidecar.getResources().getRequests()).containsEntry("cpu", new Quantity("25m"))
                .containsEntry("memory", new Quantity("80Mi"));
        assertThat(sidecar.getResources().getLimits()).isNullOrEmpty();
    }

    @Test
    void theFunctionIsSignalledOnlyOnceItsQueueProxyHasDrained() {
        Container user = model.toDeployment(function("resize"), Arch.AMD64, 1).getSpec().getTemplate().getSpec().getContainers().get(0);
        // a named port must be the container's own, and the admin port is the sidecar's: hence the number
        assertThat(user.getLifecycle().getPreStop().getHttpGet().getPath()).isEqualTo("/wait-for-drain");
        assertThat(user.getLifecycle().getPreStop().getHttpGet().getPort().getIntVal()).isEqualTo(8022);
    }

    @Test
    void podsRunAsNonRootWithoutPrivilegesAndTheFunctionOwnsEveryChild() {
        Function fn = function("resize");
        Deployment deployment = model.toDeployment(fn, Arch.AMD64, 1);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getContainers()).allSatisfy(c -> {
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        });
        // Mu's own container writes nothing; the function's may, as on Knative
        assertThat(pod.getContainers()).filteredOn(c -> c.getName().equals(FunctionNames.QUEUE_PROXY_CONTAINER))
                .singleElement().satisfies(c -> assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue());
        assertThat(pod.getContainers()).filteredOn(c -> c.getName().equals(FunctionNames.USER_CONTAINER))
                .singleElement().satisfies(c -> assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isNull());
        Service service = model.toService(fn);
        for (var owners : List.of(deployment.getMetadata().getOwnerReferences(), service.getMetadata().getOwnerReferences())) {
            assertThat(owners).singleElement().satisfies(o -> {
                assertThat(o.getKind()).isEqualTo("Function");
                assertThat(o.getApiVersion()).isEqualTo("muserving.dev/v1alpha1");
                assertThat(o.getUid()).isEqualTo("uid-1");
                assertThat(o.getController()).isTrue();
            });
        }
        assertThat(service.getSpec().getSelector()).doesNotContainKey("muserving.dev/arch").containsEntry("muserving.dev/function", "resize");
        assertThat(model.url(fn)).isEqualTo("http://resize.demo.example.com");
    }

    @Test
    void oneMultiArchImageServesEveryArchitectureAndListedArchitecturesLimitThem() {
        Function fn = function("echo");
        fn.getSpec().images = null;
        fn.getSpec().image = "registry.example/echo:2";
        fn.getSpec().architectures = List.of("arm64");
        assertThat(FunctionMapping.resolve(fn).spec().architectures()).containsExactly(Arch.ARM64);
        assertThat(model.toDeployment(fn, Arch.ARM64, 1).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example/echo:2");
    }

    @Test
    void aFunctionWithoutTimeoutGetsKnativesRevisionTimeout() {
        Function fn = function("resize");
        fn.getSpec().timeout = null;
        Container queueProxy = model.toDeployment(fn, Arch.AMD64, 1).getSpec().getTemplate().getSpec().getContainers().get(1);
        assertThat(env(queueProxy)).containsEntry("MU_REQUEST_TIMEOUT_SECONDS", "300");
    }

    @Test
    void aTimeoutUnderASecondOrNotInWholeSecondsReachesTheQueueProxyExactly() {
        Function fn = function("resize");
        for (String[] timeout : new String[][] {{"1500ms", "1.5"}, {"500ms", "0.5"}, {"2m", "120"}}) {
            fn.getSpec().timeout = timeout[0];
            Container queueProxy = model.toDeployment(fn, Arch.AMD64, 1).getSpec().getTemplate().getSpec().getContainers().get(1);
            assertThat(env(queueProxy)).as(timeout[0]).containsEntry("MU_REQUEST_TIMEOUT_SECONDS", timeout[1]);
        }
    }

    @Test
    void aFunctionStoredWithoutResourcesOrTimeoutGetsTheCrdsDefaults() {
        Function fn = function("resize");
        fn.getSpec().resources = null; // as the API server would fill it, or an object stored before it did
        fn.getSpec().timeout = null;
        Container container = model.toDeployment(fn, Arch.ARM64, 1).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("100m");
        assertThat(container.getResources().getRequests().get("memory").toString()).isEqualTo("128Mi");
        Container queueProxy = model.toDeployment(fn, Arch.ARM64, 1).getSpec().getTemplate().getSpec().getContainers().get(1);
        assertThat(env(queueProxy)).containsEntry("MU_REQUEST_TIMEOUT_SECONDS", "300");
    }
}
