package dev.muserving.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FunctionGaugesTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FunctionGauges gauges = new FunctionGauges(registry);

    private static Function function(String namespace, String name) {
        Function function = new Function();
        function.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        return function;
    }

    private static FunctionResourceStatus status(int desired, int allocated, int ready) {
        FunctionResourceStatus status = new FunctionResourceStatus();
        status.replicas = new FunctionResourceStatus.Replicas();
        status.replicas.desired = desired + 2; // the autoscaler wants more than placement could give
        status.replicas.allocated = allocated;
        status.replicas.ready = ready;
        FunctionResourceStatus.ArchitectureStatus amd64 = new FunctionResourceStatus.ArchitectureStatus();
        amd64.desired = desired;
        amd64.allocated = allocated;
        amd64.ready = ready;
        status.byArchitecture = Map.of("amd64", amd64);
        return status;
    }

    @Test
    void aFunctionsStatusIsScrapedAsReplicasPerArchitectureAndStateAndItsSlo() {
        gauges.observe(function("demo", "resize"), status(4, 3, 2), Optional.of(Duration.ofMillis(300)));
        gauges.observe(function("demo", "resize"), status(5, 4, 3), Optional.of(Duration.ofMillis(300)));

        String scrape = registry.scrape();
        assertThat(scrape).contains("mu_function_replicas{function=\"resize\",namespace=\"demo\",state=\"desired\"} 7")
                .contains("mu_function_replicas{function=\"resize\",namespace=\"demo\",state=\"allocated\"} 4")
                .contains("mu_function_replicas{function=\"resize\",namespace=\"demo\",state=\"ready\"} 3")
                .contains("mu_function_arch_replicas{arch=\"amd64\",function=\"resize\",namespace=\"demo\",state=\"share\"} 5")
                .contains("mu_function_arch_replicas{arch=\"amd64\",function=\"resize\",namespace=\"demo\",state=\"allocated\"} 4")
                .contains("mu_function_slo_p99_seconds{function=\"resize\",namespace=\"demo\"} 0.3");
    }

    @Test
    void aRemovedFunctionsGaugesGoWithItAndNobodyElses() {
        gauges.observe(function("demo", "resize"), status(1, 1, 1), Optional.empty());
        gauges.observe(function("demo", "echo"), status(2, 2, 2), Optional.of(Duration.ofMillis(50)));

        gauges.forget(new FunctionKey("demo", "resize"));

        String scrape = registry.scrape();
        assertThat(scrape).doesNotContain("function=\"resize\"").contains("function=\"echo\"");
    }
}
