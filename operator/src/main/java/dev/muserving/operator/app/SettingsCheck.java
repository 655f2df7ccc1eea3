package dev.muserving.operator.app;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.time.Duration;

/**
 * Settings that parse but cannot run, refused at start with the setting's name. An outside probe
 * set the chart's {@code controller.autoscalerTick=0s}: the schema let it through, and the
 * controller exited with an {@code IllegalArgumentException} from a thread pool once it led,
 * reported as a lost lease; a lease of 1 s failed inside the leader election's library.
 *
 * <p>Each refusal is a {@link ConfigurationException}: Quarkus prints such a start-up failure as
 * its message alone, where any other exception came out as one line inside a 65-line stack trace
 * (found by an outside probe).
 */
final class SettingsCheck {

    private SettingsCheck() {}

    static void autoscalerTick(Duration tick) {
        if (tick.isNegative() || tick.isZero()) {
            throw refused("mu.operator.autoscaler-tick must be above zero, got " + tick);
        }
    }

    static void maxWeight(double weight) {
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw refused("mu.operator.max-weight must be a number above zero, got " + weight);
        }
    }

    /** client-go's rules, which fabric8's elector applies: lease > renew deadline > retry period > 0. */
    static void leaderElection(Duration lease, Duration renewDeadline, Duration retryPeriod) {
        if (retryPeriod.isNegative() || retryPeriod.isZero() || renewDeadline.compareTo(retryPeriod) <= 0
                || lease.compareTo(renewDeadline) <= 0) {
            throw refused(String.format("mu.operator.leader-election: lease-duration (%s) must be longer than"
                    + " renew-deadline (%s), which must be longer than retry-period (%s), above zero", lease, renewDeadline, retryPeriod));
        }
    }

    static ConfigurationException refused(String message) {
        return new ConfigurationException(message);
    }
}
