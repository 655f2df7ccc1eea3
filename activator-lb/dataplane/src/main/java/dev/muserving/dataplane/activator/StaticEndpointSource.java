package dev.muserving.dataplane.activator;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Functions and pods set by code: tests, and `mu local`, which starts the pods itself. */
public final class StaticEndpointSource implements EndpointSource {

    private final List<Consumer<List<FunctionRoute>>> listeners = new CopyOnWriteArrayList<>();
    private volatile List<FunctionRoute> routes;

    public StaticEndpointSource(List<FunctionRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    @Override
    public void start(Consumer<List<FunctionRoute>> onChange) {
        listeners.add(Objects.requireNonNull(onChange));
        onChange.accept(routes);
    }

    public void set(List<FunctionRoute> newRoutes) {
        routes = List.copyOf(newRoutes);
        listeners.forEach(l -> l.accept(routes));
    }

    public List<FunctionRoute> routes() {
        return routes;
    }
}
