package dev.muserving.e2e;

import dev.muserving.api.v1alpha1.FunctionNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * When each step of a cold start is first seen, in ms from the request that set it off: the
 * Deployment scaled up, a pod created, bound to a node, Ready, its address ready in the
 * EndpointSlice, the answer. Informers on the function's objects see each change as it happens, so
 * the steps are timed to the API server's pace, not to seconds as the objects' own timestamps are.
 */
final class ColdStartTimeline implements AutoCloseable {

    static final List<String> STEPS = List.of("deployment scaled", "pod created", "pod bound", "pod ready", "endpoint ready", "answered");

    private final long start;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers;

    /** Starts watching; the clock starts when this returns. */
    ColdStartTimeline(KubernetesClient client, String namespace, String function) {
        informers = List.of(
                client.apps().deployments().inNamespace(namespace).withLabel(FunctionNames.FUNCTION_LABEL, function)
                        .inform(on(d -> {
                            if (d.getSpec().getReplicas() != null && d.getSpec().getReplicas() > 0) {
                                mark("deployment scaled");
                            }
                        })),
                client.pods().inNamespace(namespace).withLabel(FunctionNames.FUNCTION_LABEL, function).inform(on((Pod p) -> {
                    mark("pod created");
                    if (p.getSpec().getNodeName() != null) {
                        mark("pod bound");
                    }
                    if (p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))) {
                        mark("pod ready");
                    }
                })),
                client.discovery().v1().endpointSlices().inNamespace(namespace).withLabel("kubernetes.io/service-name", function)
                        .inform(on((EndpointSlice s) -> {
                            if (s.getEndpoints() != null && s.getEndpoints().stream()
                                    .anyMatch(e -> e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady()))) {
                                mark("endpoint ready");
                            }
                        })));
        seen.clear(); // what the informers listed is the state before the request
        start = System.nanoTime();
    }

    private <T> ResourceEventHandler<T> on(Consumer<T> changed) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T added) {
                changed.accept(added);
            }

            @Override
            public void onUpdate(T before, T after) {
                changed.accept(after);
            }

            @Override
            public void onDelete(T deleted, boolean unknown) {
            }
        };
    }

    void mark(String step) {
        seen.putIfAbsent(step, System.nanoTime());
    }

    /** Each step seen, in ms from the start, in the order of {@link #STEPS}. */
    Map<String, Double> steps() {
        Map<String, Double> steps = new LinkedHashMap<>();
        STEPS.forEach(step -> {
            Long at = seen.get(step);
            if (at != null) {
                steps.put(step, (at - start) / 1e6);
            }
        });
        return steps;
    }

    String report() {
        Map<String, Double> steps = steps();
        StringBuilder text = new StringBuilder();
        steps.forEach((step, ms) -> text.append(String.format(Locale.ROOT, "%-18s %8.0f ms%n", step, ms)));
        if (steps.size() == STEPS.size()) {
            double podOwn = steps.get("pod ready") - steps.get("pod bound");
            text.append(String.format(Locale.ROOT, "%npod's own start-up (bound → Ready): %.0f ms%n", podOwn))
                    .append(String.format(Locale.ROOT, "the rest (request → bound, Ready → answered): %.0f ms, of which Ready → answered %.0f ms%n",
                            steps.get("answered") - podOwn, steps.get("answered") - steps.get("pod ready")));
        }
        return text.toString();
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
