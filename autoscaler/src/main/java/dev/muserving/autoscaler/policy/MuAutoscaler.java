package dev.muserving.autoscaler.policy;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Mu's autoscaler: sizes a function for the load it will have when new pods are ready, so that a
 * queueing model predicts its p99 within the SLO.
 *
 * <ol>
 *   <li>Forecast the arrival rate one start-up ahead, by the function's pods' measured start-up time
 *       (the configured horizon until one was seen starting), with Holt's damped linear smoothing of the
 *       per-second rate, and take the larger of that and the current smoothed rate (the surge path:
 *       a burst the forecast has not caught up with still counts at once). Requests held in the
 *       balancer add the rate needed to drain them within the SLO.
 *   <li>Take the service rate the pods report, per architecture, and size in pods of the fastest
 *       measured architecture (placement converts pods of slower ones by their measured rates).
 *   <li>Model the function as an M/M/k queue with k = pods × slots: the fewest pods whose predicted
 *       p99 (Erlang-C waiting quantile plus the service tail) is within the SLO's headroom and whose
 *       utilisation stays under the cap.
 *   <li>Scale up at once; scale down only to the highest need of the last scale-down delay
 *       (hysteresis); scale to zero once no request arrived or was in progress for the idle time.
 * </ol>
 * Until a pod has reported a service rate, it sizes on concurrency as the KPA does.
 */
public final class MuAutoscaler implements AutoscalingPolicy {

    /** A pod count far beyond any cluster: stops the search when the SLO cannot be met. */
    static final int MAX_PODS = 100_000;
    /** "Keeping up" leaves a tenth of the pods' capacity free: a queue at full load never drains. */
    static final double KEEP_UP_UTILIZATION = 0.9;

    private final FunctionSpec function;
    private final MuAutoscalerConfig config;
    private final int slots;
    private final double sloSeconds;
    private final HoltForecaster forecast;
    private final double[] serviceRate = new double[Arch.values().length];
    private final Deque<Need> recentNeeds = new ArrayDeque<>();
    private double currentRate;
    private final BurstMemory burstMemory;
    private boolean seenTraffic;
    private Instant lastArrival;
    /** When the first decision was asked for: a function nobody has called is idle since then. */
    private Instant firstDecision;
    private int buffered;
    private double concurrency;
    /** When the newest snapshot was taken. */
    private Instant snapshotAt;
    /** When the balancer last reported a request waiting for a pod (scale from zero). */
    private Instant activationAt;
    /** The function's pods' mean start-up time, once one was seen starting. */
    private Duration measuredStartup;

    private record Need(Instant at, int pods) {}

    public MuAutoscaler(FunctionSpec function, MuAutoscalerConfig config) {
        this.function = function;
        this.config = config;
        this.slots = function.slots();
        this.sloSeconds = function.sloP99Ms() / 1000;
        this.forecast = new HoltForecaster(config.forecastAlpha(), config.forecastBeta(), config.forecastDamping());
        MuAutoscalerConfig.BurstRoom room = config.burstRoom();
        this.burstMemory = new BurstMemory((int) room.window().toSeconds(), room.memory().toSeconds(), room.noiseZ());
    }

    public static AutoscalingPolicyFactory factory(MuAutoscalerConfig config) {
        return fn -> new MuAutoscaler(fn, config);
    }

    @Override
    public int initialReplicas() {
        return function.startingReplicas();
    }

    @Override
    public void record(MetricSnapshot snapshot) {
        double seconds = snapshot.interval().toNanos() / 1e9;
        double rate = snapshot.arrivals() / seconds;
        forecast.observe(rate);
        if (config.burstRoom().share() > 0) { // nothing reads the memory without burst room
            burstMemory.observe(snapshot.at().getEpochSecond(), snapshot.arrivals());
        }
        currentRate = seenTraffic ? currentRate + config.surgeSmoothing() * (rate - currentRate) : rate;
        if (lastArrival == null) {
            lastArrival = snapshot.at().minus(snapshot.interval()); // idle time counts from the first interval
        }
        // a request still being served is traffic too: a function whose requests outlast the idle
        // time would otherwise go to zero under them, its last pods draining while nothing is ready
        if (snapshot.sawRequests() || snapshot.bufferedRequests() > 0) {
            trafficAt(snapshot.at());
        }
        buffered = snapshot.bufferedRequests();
        concurrency = snapshot.averageConcurrency();
        snapshotAt = snapshot.at();
        // an architecture's rate is kept while it has no pod that measured one
        PodMetrics.meanServiceRates(snapshot.pods()).forEach((arch, measured) -> serviceRate[arch.ordinal()] = measured);
    }

    /** A waiting request is traffic: the function is not idle from here, whatever the next snapshots say. */
    @Override
    public void recordActivation(Instant at) {
        trafficAt(at);
        activationAt = at;
    }

    /** Snapshots arrive a second late, so an activation report may be newer than the snapshot after it. */
    private void trafficAt(Instant at) {
        seenTraffic = true;
        if (lastArrival == null || at.isAfter(lastArrival)) {
            lastArrival = at;
        }
    }

    @Override
    public ScalingDecision decide(ReplicaCounts replicas, Instant now) {
        if (firstDecision == null) {
            firstDecision = now;
        }
        if (replicas.startup() != null) {
            measuredStartup = replicas.startup();
        }
        if (!seenTraffic && buffered == 0 && !isIdle(now) && function.startingReplicas() > 0) {
            // As Knative's initial scale: what the function starts with stays until it has gone
            // unused for scaleToZeroAfter, rather than going at the first tick with no traffic; none
            // of it is required, so under contention placement gives the room to functions in use.
            int start = function.startingReplicas();
            String why = function.minScale() >= start ? "no request yet: min " + start
                    : String.format(Locale.ROOT, "no request yet: initial %d held until %ds without one (then min %d)", start,
                            function.scaleToZeroAfter().toSeconds(), function.minScale());
            return new ScalingDecision(start, function.minScale(), why);
        }
        if (isIdle(now)) {
            recentNeeds.clear();
            int floor = function.clampReplicas(0);
            return new ScalingDecision(floor, String.format(Locale.ROOT, "no request for %ds → %d",
                    function.scaleToZeroAfter().toSeconds(), floor));
        }
        Sizing sizing = size();
        int need = function.clampReplicas(sizing.pods);
        // A keep-up share above the pods held is a claim on others' room (placement's first round, and
        // preemption): only as far as the requests present would fill, not for a forecast alone.
        double requestsPresent = concurrency + buffered + (waitingUncounted() ? 1 : 0);
        int present = (int) Math.ceil(requestsPresent / slots - 1e-9);
        int claimable = Math.max(replicas.ready() + replicas.starting(), present);
        int forecastShare = Math.min(need, function.clampReplicas(sizing.keepUp));
        int required = Math.min(forecastShare, function.clampReplicas(claimable));
        recentNeeds.addLast(new Need(now, need));
        Instant horizon = now.minus(config.scaleDownDelay());
        while (!recentNeeds.isEmpty() && recentNeeds.peekFirst().at().isBefore(horizon)) {
            recentNeeds.removeFirst();
        }
        int desired = recentNeeds.stream().mapToInt(Need::pods).max().orElse(need);
        String held = desired > need
                ? String.format(Locale.ROOT, "; holding %d for the %ds scale-down delay", desired, config.scaleDownDelay().toSeconds())
                : "";
        return new ScalingDecision(desired, Math.min(required, desired),
                sizing.reason + held + " → " + desired + " (" + required + " to keep up"
                        + (required < forecastShare ? String.format(Locale.ROOT, ", %d forecast: %.0f requests present", forecastShare,
                                requestsPresent) : "") + ")");
    }

    /** A request reported waiting (scale from zero) that no snapshot has counted yet: snapshots arrive a second late. */
    private boolean waitingUncounted() {
        return activationAt != null && (snapshotAt == null || activationAt.isAfter(snapshotAt));
    }

    /** The rate to keep room for: a share of the highest recent rate, Poisson noise discounted. */
    private double burstRate() {
        return config.burstRoom().share() * burstMemory.peakRate();
    }

    private boolean isIdle(Instant now) {
        Instant since = lastArrival != null ? lastArrival : firstDecision;
        return buffered == 0 && since != null && Duration.between(since, now).compareTo(function.scaleToZeroAfter()) >= 0;
    }

    /** @param keepUp the pods that serve the predicted rate at 90 % utilisation, without SLO headroom */
    private record Sizing(int pods, int keepUp, String reason) {}

    private Sizing size() {
        int fastest = fastestMeasured();
        double horizon = horizonSeconds();
        double predicted = Math.max(forecast.forecast(horizon), currentRate);
        // Drain the backlog over the SLO or the drain time, whichever is longer, and never ask more
        // than a share of the arrival rate for it: pods for it arrive a start-up later, and under
        // contention a backlog that finds no pods would otherwise inflate demand without bound.
        double drain = Math.min(buffered / Math.max(sloSeconds, config.backlogDrainSeconds()),
                config.maxBacklogShare() * Math.max(predicted, 1));
        // Burst headroom goes into the desired count only: under contention placement serves every
        // function's keep-up share first, so room kept for one function's next burst never starves another.
        double lambda = Math.max(predicted + drain, burstRate());
        if (fastest < 0) {
            double target = slots * 0.7;
            int pods = (int) Math.ceil(concurrency / target);
            if (lambda > 0 || seenTraffic) {
                pods = Math.max(1, pods);
            }
            return new Sizing(pods, pods, String.format(Locale.ROOT,
                    "no service rate measured yet: %.1f concurrent / target %.1f", concurrency, target));
        }
        double podRate = serviceRate[fastest];
        double serverRate = podRate / slots;
        double meanService = 1 / serverRate;
        double budget = sloSeconds * config.sloHeadroom() - config.serviceTailFactor() * meanService;
        boolean feasible = budget > 0;
        double waitBudget = feasible ? budget : 0.5 * meanService;
        int pods = Math.max(1, (int) Math.ceil(lambda / (podRate * config.maxUtilization())));
        double wait = ErlangC.waitQuantile(pods * slots, lambda, serverRate, config.quantile());
        while (wait > waitBudget && pods < MAX_PODS) {
            pods++;
            wait = ErlangC.waitQuantile(pods * slots, lambda, serverRate, config.quantile());
        }
        if (lambda == 0) {
            pods = 1; // traffic seen within the idle time: keep a pod warm
            wait = 0;
        }
        double modelP99 = (wait + config.serviceTailFactor() * meanService) * 1000;
        int keepUp = Math.min(pods, Math.max(lambda > 0 ? 1 : 0, (int) Math.ceil(predicted / (podRate * KEEP_UP_UTILIZATION))));
        return new Sizing(pods, keepUp, String.format(Locale.ROOT,
                "predicted %.1f rps (forecast %.1f in %.1f s, now %.1f, draining %d buffered%s), μ %.1f/s per %s pod (%d slots), "
                        + "p99 model %.0f ms %s %.0f ms",
                lambda, forecast.forecast(horizon), horizon, currentRate, buffered,
                config.burstRoom().share() > 0 ? String.format(Locale.ROOT, ", burst room %.1f", burstRate()) : "", podRate,
                Arch.values()[fastest].label(), slots, modelP99, feasible ? "≤" : "(SLO out of reach) vs",
                function.sloP99Ms()));
    }

    /**
     * How far ahead to forecast: until pods asked for now are ready, i.e. the function's measured
     * start-up time once one of its pods was seen starting, the configured horizon before that.
     */
    private double horizonSeconds() {
        return (measuredStartup != null ? measuredStartup : config.startupHorizon()).toNanos() / 1e9;
    }

    private int fastestMeasured() {
        int fastest = -1;
        for (int a = 0; a < serviceRate.length; a++) {
            if (serviceRate[a] > 0 && (fastest < 0 || serviceRate[a] > serviceRate[fastest])) {
                fastest = a;
            }
        }
        return fastest;
    }
}
