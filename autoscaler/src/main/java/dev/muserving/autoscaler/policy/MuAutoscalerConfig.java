package dev.muserving.autoscaler.policy;

import java.time.Duration;

/**
 * Settings of Mu's autoscaler; {@link #DEFAULTS} are documented in docs/policies.md. What belongs to
 * one function (its initial scale, when it may go to zero, its concurrency limit) is in its
 * {@code FunctionSpec}, not here.
 *
 * @param startupHorizon how far ahead to forecast until one of the function's pods was seen starting;
 *     after that, the pods' measured start-up time
 * @param quantile the latency quantile the SLO is about (0.99)
 * @param sloHeadroom aim the model's p99 at this share of the SLO, leaving room for model error
 * @param serviceTailFactor a request's p99 service time over the mean, for the model's tail
 * @param maxUtilization never plan pods busier than this
 * @param scaleDownDelay scale down only to the highest need seen over this long
 * @param backlogDrainSeconds requests held in the balancer are planned to drain over at least this long
 * @param maxBacklogShare the backlog adds at most this share of the arrival rate to the demand
 * @param burstRoom room kept for bursts beyond the forecast ({@link BurstRoom#NONE} keeps none)
 */
public record MuAutoscalerConfig(
        Duration startupHorizon,
        double quantile,
        double sloHeadroom,
        double serviceTailFactor,
        double maxUtilization,
        Duration scaleDownDelay,
        double forecastAlpha,
        double forecastBeta,
        double forecastDamping,
        double surgeSmoothing,
        double backlogDrainSeconds,
        double maxBacklogShare,
        BurstRoom burstRoom) {

    /**
     * Desired replicas keep room for {@code share} of the highest arrival rate of the last
     * {@code memory}, measured over {@code window}-long spans and discounted by {@code noiseZ}
     * standard deviations of Poisson noise (see {@code BurstMemory}).
     */
    public record BurstRoom(Duration memory, Duration window, double noiseZ, double share) {

        public static final BurstRoom NONE = new BurstRoom(Duration.ofMinutes(5), Duration.ofSeconds(5), 2, 0);

        public BurstRoom {
            if (window.toSeconds() < 1 || memory.compareTo(window) < 0 || share < 0 || noiseZ < 0) {
                throw new IllegalArgumentException("burst room needs 1 s <= window <= memory, share >= 0 and noiseZ >= 0, got "
                        + window + ", " + memory + ", " + share + ", " + noiseZ);
            }
        }
    }

    public static final MuAutoscalerConfig DEFAULTS = new MuAutoscalerConfig(
            Duration.ofSeconds(5), 0.99, 1.0, 3.0, 0.9, Duration.ofSeconds(60),
            0.3, 0.1, 0.9, 0.2, 10, 0.5, BurstRoom.NONE);

    /**
     * The defaults plus room for 70 % of the highest rate of the last five minutes, over spans of a
     * start-up horizon (5 s), less two standard deviations of Poisson noise.
     */
    public static final MuAutoscalerConfig BURST_AWARE =
            DEFAULTS.withBurstRoom(new BurstRoom(Duration.ofMinutes(5), Duration.ofSeconds(5), 2, 0.7));

    public MuAutoscalerConfig withBurstRoom(BurstRoom room) {
        return new MuAutoscalerConfig(startupHorizon, quantile, sloHeadroom, serviceTailFactor, maxUtilization,
                scaleDownDelay, forecastAlpha, forecastBeta, forecastDamping, surgeSmoothing,
                backlogDrainSeconds, maxBacklogShare, room);
    }
}
