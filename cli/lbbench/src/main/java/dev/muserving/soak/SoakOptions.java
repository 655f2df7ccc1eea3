package dev.muserving.soak;

import dev.muserving.api.BadInputException;
import java.time.Duration;

/**
 * How long and how hard {@code mu soak} runs.
 *
 * @param duration the measured part: load with pod kills
 * @param killEvery a function process is killed this often (SIGKILL), the first one after this long
 * @param rate requests per second over all kinds, before the bursty kind's off phases
 * @param seed seeds the arrivals, the kinds drawn and the pods killed
 * @param warmUp load before the first reading, so that the JIT, the pools and the pods have settled
 * @param quiet no load for this long before each reading: longer than the clients' 60 s keep-alive,
 *     so that pooled connections from the load are closed at both readings alike
 * @param settleLimit before each reading, at most this long waiting for the functions to be back at
 *     their minimum scale
 * @param requestTimeout each request's time limit on the client side
 */
public record SoakOptions(Duration duration, Duration killEvery, double rate, long seed, Duration warmUp, Duration quiet,
        Duration settleLimit, Duration requestTimeout) {

    public SoakOptions {
        if (duration.isNegative() || duration.isZero()) {
            throw new BadInputException("--duration must be above zero, got " + duration);
        }
        if (killEvery.compareTo(Duration.ofSeconds(1)) < 0) {
            // below a millisecond the scheduler refused it after the warm-up, with a stack trace (an outside probe)
            throw new BadInputException("--kill-every must be at least 1s (a pod takes about that to start again), got " + killEvery);
        }
        if (!(rate > 0) || rate > 5_000) {
            throw new BadInputException("--rate must be above 0 and at most 5000 (one client, a small machine), got " + rate);
        }
        if (warmUp.isNegative() || quiet.isNegative()) {
            throw new BadInputException("--warm-up and --quiet must be at least 0");
        }
    }

    /** The soak: ten minutes, a kill every 30 s. */
    public static SoakOptions defaults() {
        return new SoakOptions(Duration.ofMinutes(10), Duration.ofSeconds(30), 60, 1, Duration.ofSeconds(30), Duration.ofSeconds(70),
                Duration.ofMinutes(3), Duration.ofSeconds(60));
    }
}
