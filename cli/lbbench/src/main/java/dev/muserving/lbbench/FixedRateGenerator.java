package dev.muserving.lbbench;

import java.io.IOException;
import java.time.Duration;

/** What sends lb-bench's fixed-rate load: vegeta, or {@link NettyOpenLoop}. */
interface FixedRateGenerator extends AutoCloseable {

    /**
     * Sends {@code rps} to {@code url} for {@code warmup} plus {@code duration}: the requests after
     * the warm-up are the counted figures, those before it the run's start.
     */
    LbBench.FixedRun attack(String url, double rps, Duration warmup, Duration duration) throws IOException;

    @Override
    default void close() {}
}
