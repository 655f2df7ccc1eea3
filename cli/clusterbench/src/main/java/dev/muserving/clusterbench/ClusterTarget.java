package dev.muserving.clusterbench;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.emulate.ReplayTarget;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One namespace of a cluster seen by the replay: requests go through the ingress
 * ({@code /fn/<namespace>/<function>/}); ready and starting pods come from the pods themselves (an
 * informer, so nothing waits for the controller's status), the autoscaler's wish from the Function's
 * {@code status.replicas.desired}.
 */
final class ClusterTarget implements ReplayTarget, AutoCloseable {

    private final URI ingress;
    private final String namespace;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Function> functions;
    private final Map<String, Set<String>> startedByFunction = new ConcurrentHashMap<>();

    ClusterTarget(KubernetesClient client, URI ingress, String namespace) {
        this.ingress = ingress;
        this.namespace = namespace;
        this.pods = client.pods().inNamespace(namespace).withLabel(FunctionNames.FUNCTION_LABEL).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                startedByFunction.computeIfAbsent(pod.getMetadata().getLabels().get(FunctionNames.FUNCTION_LABEL),
                        f -> ConcurrentHashMap.newKeySet()).add(pod.getMetadata().getUid());
            }

            @Override
            public void onUpdate(Pod before, Pod after) {}

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {}
        });
        this.functions = client.resources(Function.class).inNamespace(namespace).inform();
    }

    @Override
    public URI endpoint(FunctionKey function) {
        return ingress.resolve("/fn/" + function.namespace() + "/" + function.name() + "/");
    }

    @Override
    public Map<FunctionKey, Pods> pods() {
        Map<String, Map<Arch, Integer>> ready = new HashMap<>();
        Map<String, Integer> starting = new HashMap<>();
        for (Pod pod : pods.getStore().list()) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String function = pod.getMetadata().getLabels().get(FunctionNames.FUNCTION_LABEL);
            Arch arch = Arch.fromLabel(pod.getMetadata().getLabels().get(FunctionNames.ARCH_LABEL)).orElse(null);
            if (isReady(pod) && arch != null) {
                ready.computeIfAbsent(function, f -> new EnumMap<>(Arch.class)).merge(arch, 1, Integer::sum);
            } else {
                starting.merge(function, 1, Integer::sum);
            }
        }
        Map<FunctionKey, Pods> all = new HashMap<>();
        for (Function function : functions.getStore().list()) {
            String name = function.getMetadata().getName();
            int desired = function.getStatus() == null || function.getStatus().replicas == null || function.getStatus().replicas.desired == null
                    ? 0 : function.getStatus().replicas.desired;
            all.put(new FunctionKey(namespace, name), new Pods(ready.getOrDefault(name, Map.of()), starting.getOrDefault(name, 0), desired));
        }
        return all;
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public long podsStarted(FunctionKey function) {
        Set<String> started = startedByFunction.get(function.name());
        return started == null ? 0 : started.size();
    }

    @Override
    public void close() {
        pods.close();
        functions.close();
    }
}
