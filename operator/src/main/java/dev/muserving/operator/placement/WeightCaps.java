package dev.muserving.operator.placement;

import io.fabric8.kubernetes.api.model.Namespace;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The most weight the pods of each namespace may claim under the fair share. A weight is declared
 * by whoever writes the Function ({@code spec.weight}) or the pod ({@code muserving.dev/weight}),
 * so without a cap any tenant could claim the largest and push other namespaces' pods out (an
 * outside probe saw a Deployment of weight 1000 take a Function in another namespace from 24 pods to
 * 8). As only admins may create PriorityClasses for kube-scheduler's preemption, only admins should
 * set a cap: the label {@link #LABEL} on a namespace (Namespaces are cluster objects, which tenants
 * do not usually write), else the controller's {@code mu.operator.max-weight} for every namespace.
 *
 * @param everywhere the cap of a namespace without the label
 * @param byNamespace the caps the labels set
 */
record WeightCaps(double everywhere, Map<String, Double> byNamespace) {

    static final String LABEL = "placement.muserving.dev/max-weight";
    /** The largest weight a Function may declare (the CRD's maximum): no cap below it. */
    static final double NONE_BELOW = 1000;
    static final WeightCaps NONE = new WeightCaps(NONE_BELOW, Map.of());

    WeightCaps {
        byNamespace = Map.copyOf(byNamespace);
    }

    /**
     * @param problems told of each label whose value is no positive number: such a namespace is
     *     capped at 1, the least, as the admin meant to cap it
     */
    static WeightCaps of(Collection<Namespace> namespaces, double everywhere, Consumer<String> problems) {
        Map<String, Double> caps = new HashMap<>();
        for (Namespace namespace : namespaces) {
            Map<String, String> labels = namespace.getMetadata().getLabels();
            String value = labels == null ? null : labels.get(LABEL);
            if (value == null) {
                continue;
            }
            double cap;
            try {
                cap = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                cap = Double.NaN;
            }
            if (!(cap > 0) || Double.isInfinite(cap)) {
                problems.accept("namespace " + namespace.getMetadata().getName() + ": " + LABEL + " must be a number above 0, got '" + value
                        + "'; its pods' weight is capped at 1 until it is");
                cap = 1;
            }
            caps.put(namespace.getMetadata().getName(), cap);
        }
        return new WeightCaps(everywhere, caps);
    }

    /** The weight a pod of {@code namespace} gets for the one it declares. */
    double cap(String namespace, double declared) {
        return Math.min(declared, byNamespace.getOrDefault(namespace, everywhere));
    }
}
