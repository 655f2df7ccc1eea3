package dev.muserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.muserving.api.FunctionDefaults;
import dev.muserving.api.QueueProxyContract;
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
@ValidationRule(value = "has(self.image) || has(self.images)", message = FunctionSchema.IMAGE_RULE, reason = "FieldValueRequired")
@ValidationRule(value = "has(self.image) || !has(self.images) || (has(self.architectures) ? self.architectures : ['amd64', 'arm64']).all(a, a in self.images)",
        message = FunctionSchema.IMAGES_COVER_RULE)
public class FunctionResourceSpec {

    @JsonPropertyDescription("The function's container image, one multi-arch image for every architecture. "
            + "Either image or images is required; images wins for the architectures it names.")
    @Pattern(FunctionSchema.IMAGE)
    public String image;

    @JsonPropertyDescription("One image per architecture, keyed amd64 and arm64; it must name every architecture in "
            + "architectures (both when architectures is not given) unless image is also set.")
    @ValidationRule(value = "self.all(k, k == 'amd64' || k == 'arm64')", message = FunctionSchema.IMAGES_KEYS_RULE)
    public Map<String, @Pattern(FunctionSchema.IMAGE) String> images;

    @JsonPropertyDescription("The node architectures the function may run on: amd64, arm64 or both. Default: both. "
            + "Each gets its own Deployment, pinned to that architecture's nodes.")
    @Size(min = 1, max = FunctionSchema.ARCHITECTURES_MAX)
    @ValidationRule(value = "self.all(a, a == 'amd64' || a == 'arm64')", message = FunctionSchema.ARCHITECTURES_RULE)
    @ValidationRule(value = "self.all(x, self.exists_one(y, y == x))", message = FunctionSchema.ARCHITECTURES_TWICE_RULE)
    public List<String> architectures;

    @JsonPropertyDescription("The port the function's container listens on; it is also given to the container as "
            + "the PORT environment variable. Not " + QueueProxyContract.DEFAULT_PORT + " or " + QueueProxyContract.DEFAULT_ADMIN_PORT
            + " (the queue-proxy's). Default: " + FunctionDefaults.PORT + ".")
    @Min(FunctionSchema.PORT_MIN)
    @Max(FunctionSchema.PORT_MAX)
    @ValidationRule(value = "self != " + QueueProxyContract.DEFAULT_PORT + " && self != " + QueueProxyContract.DEFAULT_ADMIN_PORT,
            message = FunctionSchema.PORT_RULE)
    @Default("" + FunctionDefaults.PORT)
    public Integer port;

    @JsonPropertyDescription("Environment variables of the function's container (at most 100, each named once; "
            + "not PORT, which Mu sets to spec.port).")
    @Size(max = FunctionSchema.ENV_MAX)
    @ValidationRule(value = "self.all(e, e.name != '" + FunctionSchema.RESERVED_ENV + "')", message = FunctionSchema.ENV_RESERVED_RULE)
    @ValidationRule(value = "self.all(x, self.exists_one(y, y.name == x.name))", message = FunctionSchema.ENV_TWICE_RULE)
    public List<EnvVar> env;

    @JsonPropertyDescription("The most requests one pod serves at once; the queue-proxy holds the others. "
            + "0 means no limit (Knative's meaning). Default: " + FunctionDefaults.CONTAINER_CONCURRENCY + ".")
    @Min(0)
    @Max(FunctionSchema.CONCURRENCY_MAX)
    @Default("" + FunctionDefaults.CONTAINER_CONCURRENCY)
    public Integer containerConcurrency;

    @JsonPropertyDescription("What one pod of the function requests (the queue-proxy's own requests are added). "
            + "Default: cpu " + FunctionDefaults.CPU + ", memory " + FunctionDefaults.MEMORY + ".")
    @Default("{\"cpu\": \"" + FunctionDefaults.CPU + "\", \"memory\": \"" + FunctionDefaults.MEMORY + "\"}")
    public Resources resources;

    @JsonPropertyDescription("Bounds for the autoscaler: the fewest and most pods, the pods at creation, and how "
            + "long the function stays idle before it goes to zero.")
    // Whole, not {}: the API server checks a default against the CEL rules before nested defaults fill it.
    @Default("{\"min\": " + FunctionDefaults.SCALE_MIN + ", \"max\": " + FunctionDefaults.SCALE_MAX + ", \"initial\": "
            + FunctionDefaults.SCALE_INITIAL + ", \"scaleToZeroAfter\": \"" + FunctionDefaults.SCALE_TO_ZERO_AFTER + "\"}")
    public Scale scale;

    @JsonPropertyDescription("The latency the function's owner asks for; Mu's autoscaler sizes the function to meet it.")
    public Slo slo;

    // A CEL rule, not a fractional minimum: kube-apiserver v1.34 let 0 through "minimum: 0.001".
    @JsonPropertyDescription("The function's share when functions contend for nodes: one of weight 2 deserves twice "
            + "the satisfaction (placed over wanted pods) of one of weight 1. Above 0, at most 1000. Default: 1.")
    @ValidationRule(value = "self > 0.0", message = FunctionSchema.WEIGHT_RULE)
    @Max(FunctionSchema.WEIGHT_MAX)
    @Default("" + FunctionDefaults.WEIGHT)
    public Double weight;

    @JsonPropertyDescription("The longest one request may take, e.g. 30s or 500ms; pods also drain for this long "
            + "when they stop; above zero, at most " + FunctionSchema.TIMEOUT_MAX + ". Default: " + FunctionDefaults.TIMEOUT + " (Knative's).")
    @Pattern(FunctionSchema.POSITIVE_DURATION)
    // guarded by the pattern: duration() fails on anything else, and the pattern's own message says what is wrong
    @ValidationRule(value = "!self.matches('" + FunctionSchema.POSITIVE_DURATION + "') || duration(self) <= duration('"
            + FunctionSchema.TIMEOUT_MAX + "')", message = FunctionSchema.TIMEOUT_RULE)
    @Default("\"" + FunctionDefaults.TIMEOUT + "\"")
    public String timeout;

    @JsonPropertyDescription("How mu local runs the function on one machine; ignored on a cluster.")
    public Local local;

    /** One environment variable of the function's container. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EnvVar {
        @JsonPropertyDescription("The variable's name: letters, digits and _, not starting with a digit.")
        @Required
        @Pattern(FunctionSchema.ENV_NAME)
        @Size(max = FunctionSchema.ENV_NAME_MAX)
        public String name;
        @JsonPropertyDescription("The variable's value. Default: empty.")
        public String value;
    }

    /** The requests of one pod (the queue-proxy's are added by the operator). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Resources {
        @JsonPropertyDescription("CPU, in cores (0.5) or millicores (500m). Default: " + FunctionDefaults.CPU + ".")
        @Pattern(FunctionSchema.CPU)
        @Default("\"" + FunctionDefaults.CPU + "\"")
        public String cpu;
        @JsonPropertyDescription("Memory, in bytes or with a suffix (128Mi, 1Gi); also the container's memory limit. "
                + "Default: " + FunctionDefaults.MEMORY + ".")
        @Pattern(FunctionSchema.MEMORY)
        @Default("\"" + FunctionDefaults.MEMORY + "\"")
        public String memory;
    }

    /** Bounds for the autoscaler; max 0 means no limit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.max == 0 || self.min <= self.max", message = FunctionSchema.SCALE_MIN_RULE)
    // initial may sit below min, as in Knative: min applies (and `kubectl scale` raises min alone).
    @ValidationRule(value = "self.max == 0 || self.initial <= self.max", message = FunctionSchema.SCALE_INITIAL_RULE)
    public static class Scale {
        /** The scale subresource's replicas: {@code kubectl scale fn f --replicas=3} keeps at least 3. */
        @JsonPropertyDescription("The fewest pods; 0 lets the function scale to zero. kubectl scale sets it. Default: "
                + FunctionDefaults.SCALE_MIN + ".")
        @SpecReplicas
        @Min(0)
        @Max(FunctionSchema.SCALE_MAX)
        @Default("" + FunctionDefaults.SCALE_MIN)
        public Integer min;
        @JsonPropertyDescription("The most pods; 0 means no limit. Default: " + FunctionDefaults.SCALE_MAX + ".")
        @Min(0)
        @Max(FunctionSchema.SCALE_MAX)
        @Default("" + FunctionDefaults.SCALE_MAX)
        public Integer max;
        @JsonPropertyDescription("The pods a new function starts with (min applies when it is higher). Default: "
                + FunctionDefaults.SCALE_INITIAL + ".")
        @Min(0)
        @Max(FunctionSchema.SCALE_MAX)
        @Default("" + FunctionDefaults.SCALE_INITIAL)
        public Integer initial;
        @JsonPropertyDescription("How long the function must be idle (no request arriving or in progress) before its "
                + "last pod goes (when min is 0), e.g. 90s or 5m. The mu and mu-burst autoscaler classes read it; knative "
                + "keeps Knative's own timing (a 60s stable window, then a 30s grace period) and the -hist classes "
                + "decide by their idle-time histogram. Default: " + FunctionDefaults.SCALE_TO_ZERO_AFTER + ".")
        @Pattern(FunctionSchema.DURATION)
        @Default("\"" + FunctionDefaults.SCALE_TO_ZERO_AFTER + "\"")
        public String scaleToZeroAfter;
    }

    /** What the autoscaler aims at. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Slo {
        @JsonPropertyDescription("The 99th percentile of latency to aim at, e.g. 300ms or 2s; above zero.")
        @Required
        @Pattern(FunctionSchema.POSITIVE_DURATION)
        public String p99;
    }

    /** How `mu local` runs the function on one machine; ignored on a cluster. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Local {
        @JsonPropertyDescription("The program and its arguments; it must serve HTTP on $PORT. "
                + "mu-emulated-function is built in (docs/local.md).")
        @Required
        @Size(min = 1)
        public List<String> command;
    }
}
