package dev.muserving.activator.kubernetes;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.dataplane.activator.EndpointSource;
import dev.muserving.dataplane.activator.FunctionRoute;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Functions and their ready pods from the API server: informers on Function resources, on the
 * EndpointSlices of the Services the operator made, and on Nodes (for each pod's architecture).
 * Every change delivers the whole table again ({@link RouteTable}); changes that come together
 * are delivered once.
 */
public final class KubernetesEndpointSource implements EndpointSource {

    /** Changes this close together are delivered as one. */
    private static final long COALESCE_MILLIS = 20;

    private final KubernetesClient client;
    private final Consumer<String> problems;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mu-endpoints-kubernetes");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean queued = new AtomicBoolean();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private Set<String> told = Set.of();
    private SharedIndexInformer<Function> functions;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<Node> nodes;
    private volatile Consumer<List<FunctionRoute>> onChange;

    /** @param problems told once about each Function or endpoint left out, and why */
    public KubernetesEndpointSource(KubernetesClient client, Consumer<String> problems) {
        this.client = client;
        this.problems = problems;
    }

    /** Starts the informers, waits until they hold what the API server has, and delivers the first table. */
    @Override
    public void start(Consumer<List<FunctionRoute>> onChange) {
        this.onChange = onChange;
        ResourceEventHandler<Object> changed = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object added) {
                soon();
            }

            @Override
            public void onUpdate(Object before, Object after) {
                soon();
            }

            @Override
            public void onDelete(Object deleted, boolean unknown) {
                soon();
            }
        };
        functions = client.resources(Function.class).inAnyNamespace().runnableInformer(0);
        slices = client.discovery().v1().endpointSlices().inAnyNamespace().withLabel(FunctionNames.MANAGED_BY, FunctionNames.OPERATOR)
                .runnableInformer(0);
        nodes = client.nodes().runnableInformer(0);
        for (SharedIndexInformer<?> informer : List.of(functions, slices, nodes)) {
            @SuppressWarnings("unchecked")
            SharedIndexInformer<Object> any = (SharedIndexInformer<Object>) informer;
            any.addEventHandler(changed);
            informers.add(informer);
        }
        informers.forEach(i -> i.start().toCompletableFuture().join());
        deliver();
    }

    private void soon() {
        if (onChange != null && queued.compareAndSet(false, true)) {
            worker.schedule(this::deliver, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void deliver() {
        queued.set(false);
        Set<String> now = new HashSet<>();
        List<FunctionRoute> routes = RouteTable.routes(functions.getStore().list(), slices.getStore().list(), nodes.getStore().list(), now::add);
        now.stream().filter(p -> !told.contains(p)).forEach(problems);
        told = now;
        onChange.accept(routes);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        informers.forEach(SharedIndexInformer::close);
    }
}
