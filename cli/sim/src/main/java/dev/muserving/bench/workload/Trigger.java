package dev.muserving.bench.workload;

/**
 * Azure Functions trigger kinds with their share of functions and of invocations in the 2019
 * trace (Shahrad et al., ATC'20; BASELINES.md), which shape the synthetic workload.
 */
enum Trigger {
    HTTP(0.55, 0.36),
    QUEUE(0.15, 0.34),
    EVENT(0.02, 0.25),
    TIMER(0.16, 0.02),
    ORCHESTRATION(0.07, 0.02),
    OTHERS(0.05, 0.01);

    final double functionShare;
    final double invocationShare;

    Trigger(double functionShare, double invocationShare) {
        this.functionShare = functionShare;
        this.invocationShare = invocationShare;
    }

    /** How many times the average function's rate a function of this trigger gets. */
    double rateFactor() {
        return invocationShare / functionShare;
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Trigger pick(double u) {
        double cumulative = 0;
        for (Trigger t : values()) {
            cumulative += t.functionShare;
            if (u < cumulative) {
                return t;
            }
        }
        return OTHERS;
    }
}
