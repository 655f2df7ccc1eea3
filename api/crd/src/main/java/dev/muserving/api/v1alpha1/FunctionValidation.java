package dev.muserving.api.v1alpha1;

import dev.muserving.api.Arch;
import dev.muserving.api.CpuQuantity;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.PolicySets;
import dev.muserving.api.QueueProxyContract;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Every rule the CRD's schema and CEL rules hold a Function to, in Java, with the same limits and
 * messages ({@link FunctionSchema}), plus what no reader could act on even if a schema let it
 * through (a value too large to hold). {@code mu local} refuses with it what {@code kubectl apply}
 * would refuse; the operator uses it on what the API server stored, which an older CRD may have let
 * through. Unknown fields are the reader's to find: a {@link Function} object has none.
 */
public final class FunctionValidation {

    /** One problem with a Function, and the field it is about ({@code spec.scale.min}). */
    public record Problem(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    private static final Pattern NAME = Pattern.compile(FunctionSchema.NAME);
    /** Kubernetes' namespace names (RFC 1123 labels): the API server never has another, mu local's files may. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern IMAGE = Pattern.compile(FunctionSchema.IMAGE);
    private static final Pattern DURATION = Pattern.compile(FunctionSchema.DURATION);
    private static final Pattern POSITIVE_DURATION = Pattern.compile(FunctionSchema.POSITIVE_DURATION);
    private static final Pattern CPU = Pattern.compile(FunctionSchema.CPU);
    private static final Pattern MEMORY = Pattern.compile(FunctionSchema.MEMORY);
    private static final Pattern ENV_NAME = Pattern.compile(FunctionSchema.ENV_NAME);
    /** A label value, and the name part of a label or annotation key (Kubernetes' IsQualifiedName and IsValidLabelValue). */
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    private static final int LABEL_VALUE_MAX = 63;
    private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int PREFIX_MAX = 253;
    private static final String UNKNOWN_POLICY = "unknown policy";
    /** The annotations that name a policy, in the order their problems are told, each with the names it takes. */
    private static final List<String> POLICY_ANNOTATIONS = List.of(FunctionNames.AUTOSCALING_ANNOTATION, FunctionNames.ROUTING_ANNOTATION);
    private static final Map<String, List<String>> POLICY_NAMES = Map.of(
            FunctionNames.AUTOSCALING_ANNOTATION, PolicySets.autoscalingNames(), FunctionNames.ROUTING_ANNOTATION, PolicySets.routingNames());
    private static final Set<String> POLICY_FIELDS = Set.copyOf(POLICY_ANNOTATIONS.stream().map(FunctionValidation::policyField).toList());
    private static final Duration LONGEST_TIMEOUT = FunctionDuration.parse(FunctionSchema.TIMEOUT_MAX).orElseThrow();

    private final List<Problem> problems = new ArrayList<>();

    private FunctionValidation() {}

    /** Every problem of the Function, in the order of its fields; empty when it is valid. */
    public static List<Problem> problems(Function function) {
        FunctionValidation v = new FunctionValidation();
        v.metadata(function);
        FunctionResourceSpec spec = function.getSpec();
        if (spec == null) {
            v.add("spec", "missing; a Function needs at least spec.image or spec.images (docs/function.md)");
        } else {
            v.spec(spec);
        }
        return List.copyOf(v.problems);
    }

    private void metadata(Function function) {
        String name = function.getMetadata() == null ? null : function.getMetadata().getName();
        if (name == null) {
            add("metadata.name", "missing; a Function is named by it (" + FunctionSchema.NAME_FORM + ")");
        } else if (name.length() > FunctionSchema.NAME_MAX || !NAME.matcher(name).matches()) {
            add("metadata.name", "'" + name + "' is not a DNS label (" + FunctionSchema.NAME_FORM + ")");
        }
        String namespace = function.getMetadata() == null ? null : function.getMetadata().getNamespace();
        if (namespace != null && !NAMESPACE.matcher(namespace).matches()) {
            add("metadata.namespace", "'" + namespace + "' is not a namespace name (at most 63 lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit)");
        }
        Map<String, String> labels = function.getMetadata() == null ? null : function.getMetadata().getLabels();
        if (labels != null) {
            labels.forEach((key, value) -> {
                qualifiedName("metadata.labels", key);
                if (value != null && (value.length() > LABEL_VALUE_MAX || !LABEL_VALUE.matcher(value).matches())) {
                    add("metadata.labels[" + key + "]", "'" + value + "' is not a label value (at most 63 letters, digits, '-', '_' and '.',"
                            + " starting and ending with a letter or digit)");
                }
            });
        }
        Map<String, String> annotations = function.getMetadata() == null ? null : function.getMetadata().getAnnotations();
        if (annotations != null) {
            annotations.keySet().forEach(key -> qualifiedName("metadata.annotations", key));
            for (String annotation : POLICY_ANNOTATIONS) {
                unknownPolicy(function, annotation).ifPresent(policy -> add(policyField(annotation),
                        UNKNOWN_POLICY + " '" + policy + "'; one of " + String.join(", ", POLICY_NAMES.get(annotation))));
            }
        }
    }

    /** A label or annotation key as the API server checks it: an optional DNS-subdomain prefix and '/', then a name. */
    private void qualifiedName(String field, String key) {
        int slash = key.lastIndexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = key.substring(slash + 1);
        boolean prefixOk = prefix == null || (prefix.length() <= PREFIX_MAX && SUBDOMAIN.matcher(prefix).matches());
        if (!prefixOk || name.length() > LABEL_VALUE_MAX || name.isEmpty() || !LABEL_VALUE.matcher(name).matches()) {
            add(field, "'" + key + "' is not a key: an optional DNS-subdomain prefix and '/', then at most 63 letters, digits, '-', '_'"
                    + " and '.', starting and ending with a letter or digit");
        }
    }

    private static String policyField(String annotation) {
        return "metadata.annotations[" + annotation + "]";
    }

    /** Whether the problem is an unknown policy named in an annotation: the one mistake the API server stores. */
    public static boolean isUnknownPolicy(Problem problem) {
        return POLICY_FIELDS.contains(problem.field()) && problem.message().startsWith(UNKNOWN_POLICY);
    }

    /**
     * Whether every problem is an unknown policy ({@link #isUnknownPolicy}), so that Mu acts on the
     * Function with a default in place of each ({@link FunctionMapping#resolveIgnoringUnknownPolicies});
     * true for a valid Function.
     */
    public static boolean onlyUnknownPolicies(List<Problem> problems) {
        return problems.stream().allMatch(FunctionValidation::isUnknownPolicy);
    }

    /** The problems in one line, as the status and the logs give them. */
    public static String describe(List<Problem> problems) {
        return String.join("; ", problems.stream().map(Problem::toString).toList());
    }

    /** The name {@code annotation} gives when it is no policy there is; empty when it names one, or is absent. */
    public static Optional<String> unknownPolicy(Function function, String annotation) {
        Map<String, String> annotations = function.getMetadata() == null ? null : function.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(annotation);
        return Optional.ofNullable(value).filter(name -> !POLICY_NAMES.get(annotation).contains(name));
    }

    /** Whether Mu acts on the Function: it is valid, or holds only unknown policies ({@link #onlyUnknownPolicies}). */
    public static boolean actionable(Function function) {
        return onlyUnknownPolicies(problems(function));
    }

    private void spec(FunctionResourceSpec spec) {
        boolean architecturesKnown = architectures(spec.architectures);
        pattern("spec.image", spec.image, IMAGE, "an image reference without spaces");
        if (spec.images != null) {
            spec.images.forEach((arch, image) -> pattern("spec.images." + arch, image, IMAGE, "an image reference without spaces"));
            if (!spec.images.keySet().stream().allMatch(k -> Arch.fromLabel(k).map(a -> a.label().equals(k)).orElse(false))) {
                add("spec.images", FunctionSchema.IMAGES_KEYS_RULE);
            }
        }
        if (spec.image == null && spec.images == null) {
            add("spec", FunctionSchema.IMAGE_RULE);
        } else if (spec.image == null && architecturesKnown && !covers(spec.images, spec.architectures)) {
            add("spec", FunctionSchema.IMAGES_COVER_RULE);
        }
        range("spec.port", spec.port, FunctionSchema.PORT_MIN, FunctionSchema.PORT_MAX);
        if (spec.port != null && (spec.port == QueueProxyContract.DEFAULT_PORT || spec.port == QueueProxyContract.DEFAULT_ADMIN_PORT)) {
            add("spec.port", FunctionSchema.PORT_RULE);
        }
        env(spec.env);
        range("spec.containerConcurrency", spec.containerConcurrency, 0, FunctionSchema.CONCURRENCY_MAX);
        if (spec.resources != null) {
            pattern("spec.resources.cpu", spec.resources.cpu, CPU, CpuQuantity.FORM);
            quantity("spec.resources.memory", spec.resources.memory, MEMORY, "a quantity such as 128Mi, 1Gi or 512M");
        }
        scale(spec.scale);
        if (spec.slo != null) {
            if (spec.slo.p99 == null) {
                add("spec.slo.p99", "required when spec.slo is given");
            }
            positiveDuration("spec.slo.p99", spec.slo.p99);
        }
        if (spec.weight != null && !(spec.weight > 0)) {
            add("spec.weight", FunctionSchema.WEIGHT_RULE);
        } else if (spec.weight != null && spec.weight > FunctionSchema.WEIGHT_MAX) {
            add("spec.weight", "must be at most " + FunctionSchema.WEIGHT_MAX + ", got " + spec.weight);
        }
        positiveDuration("spec.timeout", spec.timeout);
        FunctionDuration.parse(spec.timeout).filter(t -> t.compareTo(LONGEST_TIMEOUT) > 0)
                .ifPresent(t -> add("spec.timeout", FunctionSchema.TIMEOUT_RULE));
        if (spec.local != null && (spec.local.command == null || spec.local.command.isEmpty())) {
            add("spec.local.command", "must name a program");
        } else if (spec.local != null) {
            for (int i = 0; i < spec.local.command.size(); i++) {
                if (spec.local.command.get(i) == null) { // kubectl refuses a null item; mu local stopped with a NullPointerException
                    add("spec.local.command[" + i + "]", "must be text, got null");
                }
            }
        }
    }

    /** Whether every listed architecture is one Mu knows, named once, reporting what is not. */
    private boolean architectures(List<String> listed) {
        if (listed == null) {
            return true;
        }
        boolean known = true;
        if (listed.isEmpty() || listed.size() > FunctionSchema.ARCHITECTURES_MAX) {
            add("spec.architectures", "must name 1 or 2 architectures, got " + listed.size());
            known = false;
        }
        if (!listed.stream().allMatch(a -> "amd64".equals(a) || "arm64".equals(a))) {
            add("spec.architectures", FunctionSchema.ARCHITECTURES_RULE);
            known = false;
        }
        if (new HashSet<>(listed).size() != listed.size()) {
            add("spec.architectures", FunctionSchema.ARCHITECTURES_TWICE_RULE);
        }
        return known;
    }

    /** An image given as null names none: the API server drops such an entry before it validates. */
    private static boolean covers(Map<String, String> images, List<String> architectures) {
        Set<String> wanted = architectures == null ? Set.of("amd64", "arm64") : Set.copyOf(architectures);
        return wanted.stream().allMatch(arch -> images.get(arch) != null);
    }

    private void env(List<FunctionResourceSpec.EnvVar> env) {
        if (env == null) {
            return;
        }
        if (env.size() > FunctionSchema.ENV_MAX) {
            add("spec.env", "must have at most " + FunctionSchema.ENV_MAX + " variables, got " + env.size());
        }
        Set<String> named = new HashSet<>();
        for (int i = 0; i < env.size(); i++) {
            FunctionResourceSpec.EnvVar variable = env.get(i);
            if (variable == null || variable.name == null) {
                add("spec.env[" + i + "].name", "required");
                continue;
            }
            pattern("spec.env[" + i + "].name", variable.name, ENV_NAME, "a variable name (letters, digits, _; not starting with a digit)");
            if (variable.name.length() > FunctionSchema.ENV_NAME_MAX) {
                add("spec.env[" + i + "].name", "must be at most " + FunctionSchema.ENV_NAME_MAX + " characters");
            }
            if (FunctionSchema.RESERVED_ENV.equals(variable.name)) {
                add("spec.env", FunctionSchema.ENV_RESERVED_RULE);
            }
            if (!named.add(variable.name)) {
                add("spec.env", FunctionSchema.ENV_TWICE_RULE);
            }
        }
    }

    private void scale(FunctionResourceSpec.Scale scale) {
        if (scale == null) {
            return;
        }
        range("spec.scale.min", scale.min, 0, FunctionSchema.SCALE_MAX);
        range("spec.scale.max", scale.max, 0, FunctionSchema.SCALE_MAX);
        range("spec.scale.initial", scale.initial, 0, FunctionSchema.SCALE_MAX);
        int max = scale.max == null ? 0 : scale.max;
        if (max != 0 && scale.min != null && scale.min > max) {
            add("spec.scale.min", FunctionSchema.SCALE_MIN_RULE);
        }
        if (max != 0 && scale.initial != null && scale.initial > max) {
            add("spec.scale.initial", FunctionSchema.SCALE_INITIAL_RULE);
        }
        duration("spec.scale.scaleToZeroAfter", scale.scaleToZeroAfter);
    }

    private void range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            add(field, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    private void pattern(String field, String value, Pattern form, String what) {
        if (value != null && !form.matcher(value).matches()) {
            add(field, "must be " + what + ", got '" + value + "'");
        }
    }

    private void duration(String field, String value) {
        if (value != null && (!DURATION.matcher(value).matches() || FunctionDuration.parse(value).isEmpty())) {
            add(field, "must be a duration of at most six digits and ms, s, m or h (500ms, 30s, 5m, 1h), got '" + value + "'");
        }
    }

    private void positiveDuration(String field, String value) {
        int before = problems.size();
        duration(field, value);
        if (problems.size() == before && value != null && !POSITIVE_DURATION.matcher(value).matches()) {
            add(field, "must be above zero, written without a leading zero (leave the field out for the default), got '" + value + "'");
        }
    }

    private void quantity(String field, String value, Pattern form, String what) {
        if (value == null) {
            return;
        }
        Predicate<String> parses = v -> {
            try {
                new Quantity(v).getNumericalAmount();
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        };
        if (!form.matcher(value).matches() || !parses.test(value)) {
            add(field, "must be " + what + ", got '" + value + "'");
        }
    }

    private void add(String field, String message) {
        problems.add(new Problem(field, message));
    }
}
