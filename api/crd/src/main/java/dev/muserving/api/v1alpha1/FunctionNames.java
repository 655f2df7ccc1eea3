package dev.muserving.api.v1alpha1;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The one place for the names and labels of a Function's children. */
public final class FunctionNames {

    public static final String FUNCTION_LABEL = "muserving.dev/function";
    public static final String ARCH_LABEL = "muserving.dev/arch";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "mu-operator";
    /** What the operator's informers watch: only the objects it made. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;
    public static final String NODE_ARCH_LABEL = "kubernetes.io/arch";
    public static final String USER_CONTAINER = "function";
    public static final String QUEUE_PROXY_CONTAINER = "queue-proxy";
    /** The Service's port to the queue-proxies; its EndpointSlices name the pods' port so. */
    public static final String SERVICE_PORT = "http";
    /**
     * A Function's own autoscaling policy ({@code mu}, {@code knative}, …), as Knative's
     * {@code autoscaling.knative.dev/class}; without it the controller's default.
     */
    public static final String AUTOSCALING_ANNOTATION = "autoscaling.muserving.dev/class";
    /** A Function's own routing policy in the activator-lb; without it the activator-lb's default. */
    public static final String ROUTING_ANNOTATION = "routing.muserving.dev/class";

    private FunctionNames() {}

    /** {@code <function>-amd64}, {@code <function>-arm64}. */
    /** The function's identity, {@code <namespace>/<name>}, as the policies and the activator-lb know it. */
    public static FunctionKey key(Function function) {
        return new FunctionKey(function.getMetadata().getNamespace(), function.getMetadata().getName());
    }

    public static String deployment(Function function, Arch arch) {
        return function.getMetadata().getName() + "-" + arch.label();
    }

    /** How events and logs name a child: {@code Deployment/resize-amd64}. */
    public static String child(HasMetadata child) {
        return child.getKind() + "/" + child.getMetadata().getName();
    }

    /** The children a function has with these architectures, named as {@link #child} names them. */
    public static Set<String> children(Function function, Collection<Arch> architectures) {
        Set<String> children = new TreeSet<>();
        architectures.forEach(arch -> children.add("Deployment/" + deployment(function, arch)));
        children.add("Service/" + service(function));
        return children;
    }

    /** The Service in front of every pod of the function, whatever its architecture. */
    public static String service(Function function) {
        return function.getMetadata().getName();
    }

    /** Labels every pod of the function carries; the Service selects on them. */
    public static Map<String, String> functionLabels(Function function) {
        return Map.of(FUNCTION_LABEL, function.getMetadata().getName(), MANAGED_BY, OPERATOR);
    }

    /** The labels of one architecture's pods; its Deployment selects on them. */
    public static Map<String, String> archLabels(Function function, Arch arch) {
        return Map.of(FUNCTION_LABEL, function.getMetadata().getName(), ARCH_LABEL, arch.label(), MANAGED_BY, OPERATOR);
    }
}
