package dev.muserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.muserving.api.FunctionDuration;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Map;

/** What a Function asks for (docs/function.md explains every field). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.image) || has(self.images)",
        message = "spec.image (a multi-arch image) or spec.images (one per architecture) is required", reason = "FieldValueRequired")
@ValidationRule(value = "has(self.image) || !has(self.images) || (has(self.architectures) ? self.architectures : ['amd64', 'arm64']).all(a, a in self.images)",
        message = "spec.images must name an image for every architecture in spec.architectures (both when it is not given)")
public class FunctionResourceSpec {

    /** A container image reference: no whitespace. */
    static final String IMAGE = "^[^\\s]+$";
    /** A duration as Knative writes them: 500ms, 30s, 5m, 1h. */
    static final String DURATION = FunctionDuration.PATTERN;

    @Pattern(IMAGE)
    public String image;

    @ValidationRule(value = "self.all(k, k == 'amd64' || k == 'arm64')", message = "spec.images keys must be amd64 or arm64")
    public Map<String, @Pattern(IMAGE) String> images;

    @Size(min = 1, max = 2)
    @ValidationRule(value = "self.all(a, a == 'amd64' || a == 'arm64')", message = "spec.architectures may hold amd64 and arm64 only")
    @ValidationRule(value = "self.all(x, self.exists_one(y, y == x))", message = "spec.architectures must not name an architecture twice")
    public List<String> architectures;

    @Min(1)
    @Max(65535)
    @Default("8080")
    public Integer port;

    @Size(max = 100)
    public List<EnvVar> env;

    @Min(0)
    @Max(1000)
    @Default("0")
    public Integer containerConcurrency;

    @Required
    public Resources resources;

    public Scale scale;

    public Slo slo;

    // A CEL rule, not a fractional minimum: kube-apiserver v1.34 let 0 through "minimum: 0.001".
    @ValidationRule(value = "self > 0.0", message = "spec.weight must be above 0")
    @Max(1000)
    @Default("1")
    public Double weight;

    @Pattern(DURATION)
    @Default("\"300s\"")
    public String timeout;

    public Local local;

    /** One environment variable of the function's container. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EnvVar {
        @Required
        @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
        public String name;
        public String value;
    }

    /** The requests of one pod (the queue-proxy's are added by the operator). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Resources {
        @Required
        @Pattern("^([0-9]+m|[0-9]+(\\.[0-9]+)?)$")
        public String cpu;
        @Required
        @Pattern("^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$")
        public String memory;
    }

    /** Bounds for the autoscaler; max 0 means no limit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.max == 0 || self.min <= self.max", message = "spec.scale.min must not be above spec.scale.max")
    // initial may sit below min, as in Knative: min applies (and `kubectl scale` raises min alone).
    @ValidationRule(value = "self.max == 0 || self.initial <= self.max", message = "spec.scale.initial must not be above spec.scale.max")
    public static class Scale {
        /** The scale subresource's replicas: {@code kubectl scale fn f --replicas=3} keeps at least 3. */
        @SpecReplicas
        @Min(0)
        @Max(10000)
        @Default("0")
        public Integer min;
        @Min(0)
        @Max(10000)
        @Default("0")
        public Integer max;
        @Min(0)
        @Max(10000)
        @Default("1")
        public Integer initial;
        @Pattern(DURATION)
        @Default("\"60s\"")
        public String scaleToZeroAfter;
    }

    /** What the autoscaler aims at. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Slo {
        @Required
        @Pattern(DURATION)
        public String p99;
    }

    /** How `mu local` runs the function on one machine; ignored on a cluster. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Local {
        @Required
        @Size(min = 1)
        public List<String> command;
    }
}
