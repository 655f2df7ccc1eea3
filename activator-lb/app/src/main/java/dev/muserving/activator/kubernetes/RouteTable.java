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
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
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
 * in flight finish; it gets no new ones), and so is one not ready yet. A Function changed into one
 * that is not valid keeps its last valid settings, as the operator keeps its pods: a typo does not
 * take a serving function off the air. A replica that starts after the typo never saw those
 * settings; when the typo is an unknown policy and the Function's Service is there (it was valid
 * once), it routes on the rest and its own policy. One that was never valid is listed as not
 * served, so that its callers get a 503 that says why instead of a 404 as if it did not exist. The
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
            ResolvedFunction resolved = invalid.isEmpty() ? FunctionMapping.resolve(function) : lastValid.get(uid);
            if (!invalid.isEmpty() && resolved != null) {
                problems.accept(name + " keeps its last valid settings: " + invalid.get(0));
            } else if (!invalid.isEmpty()) {
                // With its Service there, it was valid once and the operator keeps its pods; this replica
                // started since and never saw those settings, and turning it away would take the function
                // off the air at every restart of the activator-lb.
                resolved = own.isEmpty() ? null : withoutBadPolicies(function, invalid).orElse(null);
                if (resolved == null) {
                    problems.accept(name + " is not served: " + invalid.get(0));
                    routes.add(FunctionRoute.notServed(FunctionNames.key(function),
                            "its spec is not valid (" + invalid.get(0) + "); kubectl describe fn says more"));
                    continue;
                }
                problems.accept(name + " is served with its other settings and this activator's own policy in place of what is not valid: "
                        + invalid.get(0));
            }
            if (invalid.isEmpty() || lastValid.containsKey(uid)) {
                valid.put(uid, resolved); // a stand-in made without a policy is not settings the Function ever had
            }
            routes.add(new FunctionRoute(resolved.key(), resolved.spec(), resolved.timeout(), endpoints(resolved, own, archByNode, problems),
                    resolved.routing()));
        }
        lastValid.clear();
        lastValid.putAll(valid);
        return routes;
    }

    /**
     * The Function resolved without the policy annotations its problems name, when they are all its
     * problems: an unknown policy is the one mistake the API server cannot refuse at apply time.
     */
    private static Optional<ResolvedFunction> withoutBadPolicies(Function function, List<FunctionValidation.Problem> problems) {
        Map<String, String> annotations = new HashMap<>(Objects.requireNonNullElse(function.getMetadata().getAnnotations(), Map.of()));
        for (FunctionValidation.Problem problem : problems) {
            if (!annotations.keySet().removeIf(a -> problem.field().equals("metadata.annotations[" + a + "]"))) {
                return Optional.empty();
            }
        }
        Function without = new Function();
        without.setMetadata(new ObjectMetaBuilder(function.getMetadata()).withAnnotations(annotations).build());
        without.setSpec(function.getSpec());
        return FunctionValidation.problems(without).isEmpty() ? Optional.of(FunctionMapping.resolve(without)) : Optional.empty();
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
