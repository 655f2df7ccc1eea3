package dev.muserving.activator.kubernetes;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionValidation;
import dev.muserving.api.v1alpha1.ResolvedFunction;
import dev.muserving.dataplane.activator.Endpoint;
import dev.muserving.dataplane.activator.FunctionRoute;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The activator-lb's routes from what the API server holds: every valid Function, with its settings
 * through the one mapping ({@link FunctionMapping}), and as endpoints the ready addresses of its
 * Service's EndpointSlices, each with the architecture of the node it runs on. As Knative's
 * activator does, only ready endpoints take requests: a terminating one is left out (its requests
 * in flight finish; it gets no new ones), and so is one not ready yet. An unknown policy in an
 * annotation, the one mistake the API server cannot refuse, leaves the rest of the Function in force
 * (the operator acts on it too): routed by its last valid routing policy, or this activator's own
 * when this replica never saw one. A Function changed into one with any other problem keeps its
 * last valid settings, as the operator keeps its pods; one never seen valid is listed as not served,
 * so that its callers get a 503 that says why instead of a 404 as if it did not exist. The
 * informers' stores come in, routes go out; the last valid settings are all it remembers.
 */
public final class RouteTable {

    /** The label the EndpointSlice controller puts on the slices of a Service. */
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** By Function uid: its last valid settings. */
    private final Map<String, ResolvedFunction> lastValid = new HashMap<>();

    /**
     * @param problems told why a Function or endpoint is left out or kept as it was (an invalid
     *     Function, an endpoint on a node of no known architecture)
     */
    public synchronized List<FunctionRoute> routes(Collection<Function> functions, Collection<EndpointSlice> slices, Collection<Node> nodes,
            Consumer<String> problems) {
        Map<String, Arch> archByNode = new HashMap<>();
        for (Node node : nodes) {
            Map<String, String> labels = node.getMetadata().getLabels();
            Arch.fromLabel(labels == null ? null : labels.get(FunctionNames.NODE_ARCH_LABEL))
                    .ifPresent(arch -> archByNode.put(node.getMetadata().getName(), arch));
        }
        Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice slice : slices) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (service != null) {
                slicesByService.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service, k -> new ArrayList<>()).add(slice);
            }
        }
        List<FunctionRoute> routes = new ArrayList<>();
        Map<String, ResolvedFunction> valid = new HashMap<>();
        for (Function function : functions) {
            if (function.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String uid = String.valueOf(function.getMetadata().getUid());
            String name = function.getMetadata().getNamespace() + "/" + function.getMetadata().getName();
            List<FunctionValidation.Problem> invalid = FunctionValidation.problems(function);
            List<EndpointSlice> own = slicesByService.getOrDefault(
                    function.getMetadata().getNamespace() + "/" + FunctionNames.service(function), List.of());
            ResolvedFunction last = lastValid.get(uid);
            ResolvedFunction resolved;
            if (invalid.isEmpty()) {
                resolved = FunctionMapping.resolve(function);
                valid.put(uid, resolved);
            } else if (FunctionValidation.onlyUnknownPolicies(invalid)) {
                // the one mistake the API server stores; the operator too acts on the rest, so the function is
                // neither taken off the air by a typo nor by a restart of the activator-lb (found by an outside probe)
                resolved = FunctionMapping.resolveIgnoringUnknownPolicies(function);
                String policy = "its routing policy";
                if (FunctionValidation.unknownPolicy(function, FunctionNames.ROUTING_ANNOTATION).isPresent()) {
                    resolved = resolved.withRouting(last == null ? Optional.empty() : last.routing());
                    policy = last == null ? "this activator's own routing policy" : "its last valid routing policy";
                }
                problems.accept(name + " is served on the rest of its settings, with " + policy + ": "
                        + FunctionValidation.describe(invalid));
            } else if (last != null) {
                resolved = last;
                problems.accept(name + " keeps its last valid settings: " + invalid.get(0));
            } else {
                problems.accept(name + " is not served: " + invalid.get(0));
                routes.add(FunctionRoute.notServed(FunctionNames.key(function),
                        "its spec is not valid (" + invalid.get(0) + "); kubectl describe fn says more"));
                continue;
            }
            if (last != null && !valid.containsKey(uid)) {
                valid.put(uid, last);
            }
            routes.add(new FunctionRoute(resolved.key(), resolved.spec(), resolved.timeout(), endpoints(resolved, own, archByNode, problems),
                    resolved.routing()));
        }
        lastValid.clear();
        lastValid.putAll(valid);
        return routes;
    }

    private static List<Endpoint> endpoints(ResolvedFunction function, List<EndpointSlice> slices, Map<String, Arch> archByNode,
            Consumer<String> problems) {
        Set<Endpoint> endpoints = new LinkedHashSet<>(); // an address may be in two slices while they are rebalanced
        for (EndpointSlice slice : slices) {
            Optional<Integer> port = Optional.ofNullable(slice.getPorts()).orElse(List.of()).stream()
                    .filter(p -> FunctionNames.SERVICE_PORT.equals(p.getName())).map(EndpointPort::getPort).filter(Objects::nonNull).findFirst();
            if (port.isEmpty() || slice.getEndpoints() == null) {
                continue;
            }
            for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint : slice.getEndpoints()) {
                if (!ready(endpoint.getConditions()) || endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
                    continue;
                }
                Arch arch = archByNode.get(endpoint.getNodeName());
                String pod = endpoint.getTargetRef() != null && endpoint.getTargetRef().getName() != null
                        ? endpoint.getTargetRef().getName() : endpoint.getAddresses().get(0);
                if (arch == null) {
                    problems.accept(function.key() + ": pod " + pod + " is on node " + endpoint.getNodeName()
                            + ", whose architecture is not known; it gets no requests until it is");
                    continue;
                }
                endpoints.add(new Endpoint(pod, endpoint.getAddresses().get(0), port.get(), arch));
            }
        }
        return List.copyOf(endpoints);
    }

    /** Ready as the EndpointSlice API defines it: unset means ready; a terminating endpoint is never ready. */
    private static boolean ready(EndpointConditions conditions) {
        return conditions == null
                || !Boolean.FALSE.equals(conditions.getReady()) && !Boolean.TRUE.equals(conditions.getTerminating());
    }
}
