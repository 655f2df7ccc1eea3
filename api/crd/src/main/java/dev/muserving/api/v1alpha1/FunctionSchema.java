package dev.muserving.api.v1alpha1;

import dev.muserving.api.CpuQuantity;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.QueueProxyContract;

/**
 * The Function's rules as constants, so that the CRD's annotations (what kube-apiserver checks)
 * and {@link FunctionValidation} (what {@code mu local} and the operator check) say the same.
 */
final class FunctionSchema {

    /** A container image reference: no whitespace. */
    static final String IMAGE = "^[^\\s]+$";
    /** A duration as Knative writes them: 500ms, 30s, 5m, 1h. */
    static final String DURATION = FunctionDuration.PATTERN;
    static final String POSITIVE_DURATION = FunctionDuration.POSITIVE_PATTERN;
    static final String CPU = CpuQuantity.PATTERN;
    static final String MEMORY = "^[0-9]+(Ki|Mi|Gi|Ti|k|M|G|T)?$";
    static final String ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";
    /** A DNS-1035 label: the name becomes a Service's name, a label value and a host name's first label. */
    static final String NAME = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
    static final int NAME_MAX = 63;

    static final int PORT_MIN = 1;
    static final int PORT_MAX = 65535;
    static final int ENV_MAX = 100;
    static final int CONCURRENCY_MAX = 1000;
    static final int SCALE_MAX = 10000;
    static final int WEIGHT_MAX = 1000;
    static final int ARCHITECTURES_MAX = 2;

    static final String NAME_FORM = "at most 63 lower-case letters, digits and '-', starting with a letter";
    static final String NAME_RULE = "metadata.name must be a DNS label: " + NAME_FORM;
    static final String IMAGE_RULE = "spec.image (a multi-arch image) or spec.images (one per architecture) is required";
    static final String IMAGES_COVER_RULE =
            "spec.images must name an image for every architecture in spec.architectures (both when it is not given)";
    static final String IMAGES_KEYS_RULE = "spec.images keys must be amd64 or arm64";
    static final String ARCHITECTURES_RULE = "spec.architectures may hold amd64 and arm64 only";
    static final String ARCHITECTURES_TWICE_RULE = "spec.architectures must not name an architecture twice";
    static final String SCALE_MIN_RULE = "spec.scale.min must not be above spec.scale.max";
    static final String SCALE_INITIAL_RULE = "spec.scale.initial must not be above spec.scale.max";
    static final String WEIGHT_RULE = "spec.weight must be above 0";
    /** The longest request timeout: what the queue-proxy and the activator-lb take (a day). */
    static final String TIMEOUT_MAX = "24h";
    static final String TIMEOUT_RULE = "spec.timeout must be at most " + TIMEOUT_MAX;
    static final String PORT_RULE = "spec.port must not be " + QueueProxyContract.DEFAULT_PORT + " or "
            + QueueProxyContract.DEFAULT_ADMIN_PORT + ": the queue-proxy listens there";
    /** Mu sets it to spec.port, as Knative does (which refuses it too). */
    static final String RESERVED_ENV = "PORT";
    static final String ENV_RESERVED_RULE = "spec.env must not set " + RESERVED_ENV + ": Mu sets it to spec.port";
    static final String ENV_TWICE_RULE = "spec.env must not name a variable twice";
    /** Bounds the CEL rules' cost over env names (kube-apiserver refuses a rule whose worst case is unbounded). */
    static final int ENV_NAME_MAX = 253;

    private FunctionSchema() {}
}
