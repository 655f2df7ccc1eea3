package dev.muserving.api.v1alpha1;

import dev.muserving.api.Arch;
import dev.muserving.api.CpuQuantity;
import dev.muserving.api.FunctionDefaults;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.PolicySets;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one mapping from a {@link Function} resource to what everything downstream reads
 * ({@link ResolvedFunction}, with the policies' {@link FunctionSpec} in it). Defaults come from
 * {@link FunctionDefaults}, the values the CRD's schema carries, so a Function read from a file
 * ({@code mu local}) resolves exactly as the API server would have stored it.
 */
public final class FunctionMapping {

    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024);
    private static final String NO_NAMESPACE = "default";

    /** A Function that breaks the rules: each problem names its field. */
    public static final class InvalidFunctionException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;
        private final transient List<FunctionValidation.Problem> problems;

        InvalidFunctionException(List<FunctionValidation.Problem> problems) {
            super(FunctionValidation.describe(problems));
            this.problems = problems;
        }

        public List<FunctionValidation.Problem> problems() {
            return problems;
        }
    }

    private FunctionMapping() {}

    /**
     * The Function resolved, or an {@link InvalidFunctionException} naming every problem
     * ({@link FunctionValidation}).
     */
    public static ResolvedFunction resolve(Function function) {
        List<FunctionValidation.Problem> problems = FunctionValidation.problems(function);
        if (!problems.isEmpty()) {
            throw new InvalidFunctionException(problems);
        }
        return resolved(function, false);
    }

    /**
     * As {@link #resolve}, except that an unknown policy in an annotation is left empty, for the
     * host's policy to stand in. The CRD's rules cannot see annotations, so the API server stores any
     * value there, and a typo in one must not take a function off the air. Any other problem still
     * throws.
     */
    public static ResolvedFunction resolveIgnoringUnknownPolicies(Function function) {
        List<FunctionValidation.Problem> problems = FunctionValidation.problems(function);
        if (!FunctionValidation.onlyUnknownPolicies(problems)) {
            throw new InvalidFunctionException(problems.stream().filter(p -> !FunctionValidation.isUnknownPolicy(p)).toList());
        }
        return resolved(function, true);
    }

    private static ResolvedFunction resolved(Function function, boolean ignoringUnknownPolicies) {
        FunctionResourceSpec spec = function.getSpec();
        String namespace = Objects.requireNonNullElse(function.getMetadata().getNamespace(), NO_NAMESPACE);
        FunctionKey key = new FunctionKey(namespace, function.getMetadata().getName());
        FunctionResourceSpec.Resources resources = Objects.requireNonNullElseGet(spec.resources, FunctionResourceSpec.Resources::new);
        String cpu = Objects.requireNonNullElse(resources.cpu, FunctionDefaults.CPU);
        String memory = Objects.requireNonNullElse(resources.memory, FunctionDefaults.MEMORY);
        FunctionResourceSpec.Scale scale = Objects.requireNonNullElseGet(spec.scale, FunctionResourceSpec.Scale::new);
        Set<Arch> architectures = architectures(spec);

        FunctionSpec policySpec = new FunctionSpec(key.toString(),
                Objects.requireNonNullElse(spec.containerConcurrency, FunctionDefaults.CONTAINER_CONCURRENCY),
                cpuMillis(cpu), memoryMiB(memory), architectures,
                duration(spec.slo == null ? null : spec.slo.p99, FunctionDefaults.SLO_P99_WHEN_UNSET).toMillis(),
                Objects.requireNonNullElse(spec.weight, FunctionDefaults.WEIGHT),
                Objects.requireNonNullElse(scale.min, FunctionDefaults.SCALE_MIN),
                Objects.requireNonNullElse(scale.max, FunctionDefaults.SCALE_MAX),
                Objects.requireNonNullElse(scale.initial, FunctionDefaults.SCALE_INITIAL),
                duration(scale.scaleToZeroAfter, FunctionDefaults.SCALE_TO_ZERO_AFTER));

        Map<Arch, String> images = new EnumMap<>(Arch.class);
        for (Arch arch : architectures) {
            String image = spec.images != null && spec.images.containsKey(arch.label()) ? spec.images.get(arch.label()) : spec.image;
            if (image != null) {
                images.put(arch, image);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (spec.env != null) {
            spec.env.forEach(variable -> env.put(variable.name, Objects.requireNonNullElse(variable.value, "")));
        }
        return new ResolvedFunction(key, policySpec, images, Objects.requireNonNullElse(spec.port, FunctionDefaults.PORT), env,
                cpu, memory, duration(spec.timeout, FunctionDefaults.TIMEOUT),
                spec.local == null || spec.local.command == null ? List.of() : spec.local.command,
                policy(function, FunctionNames.AUTOSCALING_ANNOTATION, PolicySets.autoscalingNames(), ignoringUnknownPolicies),
                policy(function, FunctionNames.ROUTING_ANNOTATION, PolicySets.routingNames(), ignoringUnknownPolicies));
    }

    private static Optional<String> policy(Function function, String annotation, List<String> known, boolean ignoringUnknown) {
        Map<String, String> annotations = function.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(annotation))
                .filter(name -> !ignoringUnknown || known.contains(name));
    }

    /** The architectures listed, or both. */
    private static Set<Arch> architectures(FunctionResourceSpec spec) {
        if (spec.architectures == null) {
            return EnumSet.allOf(Arch.class);
        }
        Set<Arch> architectures = EnumSet.noneOf(Arch.class);
        spec.architectures.forEach(label -> architectures.add(Arch.fromLabel(label).orElseThrow()));
        return architectures;
    }

    private static Duration duration(String value, String fallback) {
        return FunctionDuration.parse(Objects.requireNonNullElse(value, fallback)).orElseThrow();
    }

    /** A request of 0 is legal on Kubernetes; placement counts it as the least it can, 1m. */
    private static int cpuMillis(String cpu) {
        long millis = CpuQuantity.millis(cpu).orElseThrow(); // FunctionValidation refused anything else
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    /** In MiB, rounded up; at least 1 for the same reason as {@link #cpuMillis}. */
    private static int memoryMiB(String memory) {
        BigDecimal mib = new Quantity(memory).getNumericalAmount().divide(MIB, 0, RoundingMode.CEILING);
        return mib.max(BigDecimal.ONE).min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValueExact();
    }
}
