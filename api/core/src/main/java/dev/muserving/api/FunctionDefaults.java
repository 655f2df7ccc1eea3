package dev.muserving.api;

/**
 * The Function's defaults, in one place: the CRD's schema carries them (the API server fills them
 * in), and code that reads a Function falls back on the same values where a field is absent (an
 * object stored before a default existed, or one built in memory). docs/function.md lists them.
 */
public final class FunctionDefaults {

    public static final int PORT = 8080;
    /** No limit, as Knative's {@code containerConcurrency: 0}. */
    public static final int CONTAINER_CONCURRENCY = 0;
    public static final String CPU = "100m";
    /** {@link #CPU} in millicores, for readers that do not parse quantities. */
    public static final int CPU_MILLIS = 100;
    public static final String MEMORY = "128Mi";
    /** {@link #MEMORY} in MiB. */
    public static final int MEMORY_MIB = 128;
    public static final int SCALE_MIN = 0;
    /** No limit. */
    public static final int SCALE_MAX = 0;
    /** Knative's initial-scale. */
    public static final int SCALE_INITIAL = 1;
    /**
     * As long as Knative's defaults keep a revision's last pod after its last request: the KPA's
     * 60 s stable window, then its 30 s scale-to-zero grace period (docs/policies.md).
     */
    public static final String SCALE_TO_ZERO_AFTER = "90s";
    public static final double WEIGHT = 1;
    /**
     * What policies aim at, and reports count violations against, for a Function that sets no
     * {@code slo}. Not a schema default: {@code kubectl get fn} shows that none was set.
     */
    public static final String SLO_P99_WHEN_UNSET = "1s";
    /** Knative's revision timeout. */
    public static final String TIMEOUT = "300s";

    private FunctionDefaults() {}
}
