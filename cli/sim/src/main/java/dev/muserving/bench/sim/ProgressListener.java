package dev.muserving.bench.sim;

/** Told how far a run has got, once a simulated second. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (done, total) -> {};

    void progress(double simulatedSeconds, double totalSeconds);
}
