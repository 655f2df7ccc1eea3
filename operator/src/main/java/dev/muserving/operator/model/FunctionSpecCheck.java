package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What in a stored Function the operator cannot act on, one line per problem naming its field.
 * The CRD refuses all of these at apply time; they still reach the operator from objects stored
 * under an older or hand-edited CRD, or values the schema lets through (a timeout too long to hold).
 * The reconciler then reports them as {@code Ready=False, reason InvalidSpec} instead of failing.
 * Pure.
 */
public final class FunctionSpecCheck {

    /** A DNS-1035 label: the function's name becomes a Service name, a label value and a host name label. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");

    private FunctionSpecCheck() {}

    public static List<String> problems(Function function) {
        List<String> problems = new ArrayList<>();
        String name = function.getMetadata().getName();
        if (name == null || !DNS_LABEL.matcher(name).matches()) {
            problems.add("metadata.name: '" + name + "' is not a DNS label (at most 63 lower-case letters, digits and '-', starting with a letter)");
        }
        FunctionResourceSpec spec = function.getSpec();
        if (spec == null) {
            problems.add("spec: missing; a Function needs at least spec.image or spec.images (docs/function.md)");
            return problems;
        }
        List<String> unknown = (spec.architectures == null ? List.<String>of() : spec.architectures).stream()
                .filter(label -> Arch.fromLabel(label).isEmpty()).toList();
        unknown.forEach(label -> problems.add("spec.architectures: '" + label + "' is not amd64 or arm64"));
        if (unknown.isEmpty()) {
            for (Arch arch : FunctionWorkloadModel.architectures(function)) {
                if (FunctionWorkloadModel.image(spec, arch) == null) {
                    problems.add("spec.images: no image for " + arch + " and no spec.image");
                }
            }
        }
        duration(problems, "spec.timeout", spec.timeout);
        if (spec.scale != null) {
            duration(problems, "spec.scale.scaleToZeroAfter", spec.scale.scaleToZeroAfter);
        }
        if (spec.slo != null) {
            duration(problems, "spec.slo.p99", spec.slo.p99);
        }
        if (spec.resources != null) {
            quantity(problems, "spec.resources.cpu", spec.resources.cpu);
            quantity(problems, "spec.resources.memory", spec.resources.memory);
        }
        return problems;
    }

    private static void duration(List<String> problems, String field, String value) {
        if (value != null && FunctionDuration.parse(value).isEmpty()) {
            problems.add(field + ": '" + value + "' is not a duration that can be held (500ms, 30s, 5m, 1h)");
        }
    }

    private static void quantity(List<String> problems, String field, String value) {
        if (value == null) {
            return;
        }
        try {
            new Quantity(value).getNumericalAmount();
        } catch (IllegalArgumentException e) {
            problems.add(field + ": '" + value + "' is not a quantity");
        }
    }
}
