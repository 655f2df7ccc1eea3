package dev.muserving.bench.sim;

import dev.muserving.api.PodHeaderState;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.routing.policy.BalancerPosition;
import dev.muserving.routing.policy.HeldOrder;
import dev.muserving.routing.policy.RoutingPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A discrete-event simulation of one system on one scenario, in virtual time: arrivals, balancers
 * that learn pod state only from the responses they forward, queue-proxies with their concurrency
 * limit and queue, per-architecture service times, cold starts, autoscaler ticks and placement.
 * Deterministic for a seed. The data plane lives here; {@link ControlPlane} runs the policies that
 * size and place pods.
 */
public final class Simulator {

    /** Virtual time zero, so that policies see ordinary instants. */
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    static final int ARRIVAL = 0;
    static final int COMPLETION = 1;
    static final int POD_READY = 2;
    static final int METRICS_TICK = 3;
    static final int RETRY = 4;

    static final double METRICS_INTERVAL = 1.0;
    /** Metric intervals per autoscaler tick: Knative scrapes every second and decides every two. */
    static final int INTERVALS_PER_TICK = 2;
    /**
     * How soon a balancer asks its policy again about requests it holds while pods exist: a balancer
     * cannot see completions that go through other balancers, so it re-checks on a timer.
     */
    static final double RETRY_SECONDS = 0.02;
    /** After the last arrival the run goes on this long at most, so that queued requests can finish. */
    static final double MAX_DRAIN_SECONDS = 300;

    final Scenario scenario;
    final double end;
    final int balancers;
    final SimFunction[] functions;
    final EventQueue events = new EventQueue();
    final RequestTable requests = new RequestTable();
    final String systemName;
    private final ControlPlane controlPlane;
    private final ProgressListener progress;
    final DecisionListener decisions;
    private final double timeout;
    double now;

    public Simulator(Scenario scenario, SystemUnderTest system, ProgressListener progress) {
        this(scenario, system, progress, DecisionListener.NONE);
    }

    public Simulator(Scenario scenario, SystemUnderTest system, ProgressListener progress, DecisionListener decisions) {
        this.scenario = scenario;
        this.decisions = decisions;
        this.end = scenario.durationSeconds();
        this.balancers = scenario.cluster().loadBalancers();
        this.timeout = scenario.cluster().requestTimeoutSeconds();
        this.progress = progress;
        this.systemName = system.name();
        List<FunctionModel> models = scenario.functions();
        this.functions = new SimFunction[models.size()];
        for (int f = 0; f < functions.length; f++) {
            FunctionModel model = models.get(f);
            RoutingPolicy[] routing = new RoutingPolicy[balancers];
            for (int lb = 0; lb < balancers; lb++) {
                routing[lb] = system.routing().create(model.spec(), new BalancerPosition(lb, balancers),
                        Seeds.stream(scenario.seed(), Seeds.ROUTING, f, lb));
            }
            functions[f] = new SimFunction(f, model, scenario.seed(), routing);
        }
        this.controlPlane = new ControlPlane(this, system.autoscaling(), system.placement().create(
                Seeds.stream(scenario.seed(), Seeds.PLACEMENT, 0, 0)), Seeds.stream(scenario.seed(), Seeds.STARTUP, 0, 0));
    }

    public RunResult run() {
        controlPlane.startInitialPods();
        for (SimFunction fn : functions) {
            scheduleArrival(fn);
        }
        events.push(METRICS_INTERVAL, METRICS_TICK, 1);
        double stopAt = end + Math.min(timeout, MAX_DRAIN_SECONDS);
        while (!events.isEmpty() && events.peekTime() <= stopAt) {
            if (now >= end && requests.live() == 0) {
                break;
            }
            events.pop();
            now = events.time();
            switch (events.kind()) {
                case ARRIVAL -> arrive(functions[events.payload()]);
                case COMPLETION -> complete(events.payload());
                case POD_READY -> controlPlane.podReady(events.payload(), now);
                case METRICS_TICK -> metricsTick(events.payload());
                case RETRY -> retry(events.payload());
                default -> throw new IllegalStateException("unknown event " + events.kind());
            }
        }
        return finish();
    }

    Instant instant(double seconds) {
        return EPOCH.plusNanos(Math.round(seconds * 1e9));
    }

    private void scheduleArrival(SimFunction fn) {
        double next = fn.arrivals.next(now);
        if (next < end) {
            events.push(next, ARRIVAL, fn.index);
        }
    }

    private void arrive(SimFunction fn) {
        double z = fn.sizeRandom.nextGaussian();
        int serving = fn.routing[0].balancersServing(fn.ready.size(), balancers);
        int lb = serving == 1 ? 0 : fn.balancerRandom.nextInt(serving);
        scheduleArrival(fn);
        fn.stats.requests++;
        fn.intervalArrivals++;
        fn.changeInSystem(now, +1);
        int r = requests.add(now, fn.index, lb, z);
        if (fn.ready.isEmpty()) {
            fn.stats.coldStarts++;
            if (fn.active.isEmpty() && fn.unplaced == 0) {
                controlPlane.scaleFromZero(fn, now);
            }
        }
        IntFifo queue = fn.balancerQueues[lb];
        if (queue.isEmpty() && route(fn, r, lb)) {
            return;
        }
        if (queue.size() >= scenario.cluster().balancerQueueLimit()) {
            drop(fn, r);
        } else {
            queue.add(r);
            scheduleRetry(fn, lb);
        }
    }

    /** Asks the routing policy for a pod and sends the request there; false when it says hold. */
    private boolean route(SimFunction fn, int r, int lb) {
        int choice = fn.routing[lb].choose(fn.views[lb], instant(now));
        if (choice == RoutingPolicy.HOLD) {
            return false;
        }
        dispatch(fn.ready.get(choice), r, lb);
        return true;
    }

    private void dispatch(SimPod pod, int r, int lb) {
        requests.pod[r] = pod.slot;
        if (pod.running < pod.parallelism) {
            pod.balancerInFlight[lb]++;
            start(pod, r);
        } else if (pod.waiting.size() < pod.queueLimit) {
            pod.balancerInFlight[lb]++;
            pod.waiting.add(r);
        } else {
            drop(pod.function, r); // the queue-proxy's queue is full: 503
        }
    }

    private void start(SimPod pod, int r) {
        pod.running++;
        double serviceSeconds = pod.function.serviceMs[pod.arch.ordinal()].at(requests.size[r]) / 1000;
        requests.serviceSeconds[r] = serviceSeconds;
        events.push(now + serviceSeconds, COMPLETION, r);
    }

    private void complete(int r) {
        SimFunction fn = functions[requests.function[r]];
        SimPod pod = controlPlane.pod(requests.pod[r]);
        int lb = requests.balancer[r];
        pod.running--;
        pod.balancerInFlight[lb]--;
        double latency = now - requests.arrival[r];
        fn.intervalCompletions++;
        fn.changeInSystem(now, -1);
        double serviceSeconds = requests.serviceSeconds[r];
        pod.observeServiceTime(serviceSeconds);
        if (latency > timeout) {
            // the balancer answered 504 at the timeout, which counts from arrival to the answer, as the
            // activator-lb's and Knative's activator's do; the pod did the work all the same
            fn.stats.recordDrop();
        } else {
            fn.stats.recordLatency(latency, fn.sloSeconds);
            fn.stats.recordServedOn(pod.arch);
            pod.lastReport[lb] = new PodHeaderState(pod.name, pod.arch, pod.inPod(), pod.serviceRate(), Math.round(now * 1000));
            if (pod.readyIndex >= 0) {
                fn.routing[lb].onResponse(fn.views[lb], pod.readyIndex, latency * 1000, instant(now));
            }
        }
        requests.release(r);
        startWaiting(pod);
        if (pod.inPod() == 0) {
            controlPlane.podIdle(pod, now);
        }
        drainBalancer(fn, lb);
    }

    private void startWaiting(SimPod pod) {
        while (!pod.waiting.isEmpty() && pod.running < pod.parallelism) {
            int next = pod.waiting.poll();
            if (timedOut(next)) {
                pod.balancerInFlight[requests.balancer[next]]--;
                drop(pod.function, next);
            } else {
                start(pod, next);
            }
        }
    }

    /** Sends what a balancer holds for a function while the policy finds pods for it. */
    void drainBalancer(SimFunction fn, int lb) {
        IntFifo queue = fn.balancerQueues[lb];
        HeldOrder order = fn.routing[lb].heldOrder();
        while (!queue.isEmpty()) {
            int oldest = queue.peek();
            if (timedOut(oldest)) {
                queue.poll();
                drop(fn, oldest);
                continue;
            }
            int newest = queue.peekLast();
            boolean newestFirst = order.newestFirst(waitedMs(oldest), waitedMs(newest), fn.sloSeconds * 1000);
            if (route(fn, newestFirst ? newest : oldest, lb)) {
                if (newestFirst) {
                    queue.pollLast();
                } else {
                    queue.poll();
                }
            } else {
                scheduleRetry(fn, lb);
                return;
            }
        }
    }

    private void scheduleRetry(SimFunction fn, int lb) {
        if (!fn.retryScheduled[lb] && !fn.ready.isEmpty()) {
            fn.retryScheduled[lb] = true;
            events.push(now + RETRY_SECONDS, RETRY, fn.index * balancers + lb);
        }
    }

    private void retry(int payload) {
        SimFunction fn = functions[payload / balancers];
        int lb = payload % balancers;
        fn.retryScheduled[lb] = false;
        drainBalancer(fn, lb);
    }

    private double waitedMs(int r) {
        return (now - requests.arrival[r]) * 1000;
    }

    private boolean timedOut(int r) {
        return now - requests.arrival[r] > timeout;
    }

    private void drop(SimFunction fn, int r) {
        fn.stats.recordDrop();
        fn.changeInSystem(now, -1);
        requests.release(r);
    }

    /** Metrics go to the autoscalers first, so that a decision in the same instant sees them. */
    private void metricsTick(int interval) {
        for (SimFunction fn : functions) {
            fn.sampleDemand(now, end, fn.intervalArrivals);
            controlPlane.record(controlPlane.snapshot(fn, now, METRICS_INTERVAL));
        }
        if (interval % INTERVALS_PER_TICK == 0) {
            controlPlane.tick(now);
        }
        progress.progress(Math.min(now, end), end);
        events.push(now + METRICS_INTERVAL, METRICS_TICK, interval + 1);
    }

    private RunResult finish() {
        List<RunResult.FunctionResult> results = new ArrayList<>();
        for (SimFunction fn : functions) {
            fn.sampleDemand(end, end, fn.intervalArrivals);
            // Whatever is still waiting when the run stops never got an answer.
            fn.stats.dropped += fn.inSystem;
            results.add(new RunResult.FunctionResult(fn.model, fn.stats));
        }
        progress.progress(end, end);
        return new RunResult(systemName, end, timeout, results,
                new RunResult.RunFootprint(requests.capacity(), events.capacity()));
    }
}
