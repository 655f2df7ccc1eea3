package dev.muserving.bench.sim;

import java.util.List;
import java.util.ArrayList;
import java.time.Duration;
import dev.muserving.autoscaler.policy.AutoscalingPolicy;
import dev.muserving.api.ScalingDecision;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.MetricSnapshot;
import static dev.muserving.bench.sim.TestSystems.fixedReplicas;
import static dev.muserving.bench.sim.TestSystems.knative;
import static dev.muserving.bench.sim.TestSystems.only;
import static dev.muserving.bench.sim.TestSystems.run;
import static dev.muserving.bench.sim.TestSystems.scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.muserving.bench.Systems;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.api.Arch;
import dev.muserving.api.PodHeaderState;
import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.Summaries;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.routing.policy.HeldOrder;
import dev.muserving.routing.policy.KnativeActivatorRouting;
import dev.muserving.routing.policy.PodSet;
import dev.muserving.routing.policy.RoutingPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    /** One pod, one request at a time, a constant 50 ms service: an M/D/1 queue at 80 % load. */
    private static final String MD1 = """
            name: md1
            durationSeconds: 4000
            seed: 3
            cluster:
              loadBalancers: 1
              podStartupSeconds: {median: 1, p99: 1}
              nodes: [{count: 1, arch: amd64, cpu: 4, memoryMiB: 4096}]
            functions:
              - name: one
                arrival: {type: poisson, rps: 16}
                serviceTimeMs: {amd64: {median: 50, p99: 50}}
                cpu: 1
                memoryMiB: 128
                containerConcurrency: 1
                sloP99Ms: 200
            """;

    private static final String TWO_ARCH = """
            name: two
            durationSeconds: 300
            seed: 5
            cluster:
              loadBalancers: 2
              podStartupSeconds: {median: 2, p99: 6}
              nodes:
                - {count: 2, arch: amd64, cpu: 2, memoryMiB: 4096}
                - {count: 2, arch: arm64, cpu: 2, memoryMiB: 4096}
            functions:
              - name: web
                arrival: {type: bursty, rps: 60, burstRps: 200, burstSeconds: 5, quietSeconds: 20}
                serviceTimeMs: {amd64: {median: 40, p99: 150}, arm64: {median: 60, p99: 220}}
                cpu: 500m
                memoryMiB: 256
                containerConcurrency: 4
                sloP99Ms: 300
              - name: batch
                arrival: {type: poisson, rps: 3}
                serviceTimeMs: {amd64: {median: 800, p99: 2000}}
                architectures: [amd64]
                cpu: 1
                memoryMiB: 512
                containerConcurrency: 1
                sloP99Ms: 4000
            """;

    @Test
    void aSinglePodQueueMatchesTheMD1Formula() {
        FunctionStats stats = only(run(scenario(MD1), fixedReplicas(1)));
        double lambda = 16;
        double service = 0.050;
        double rho = lambda * service;
        double meanWait = rho * service / (2 * (1 - rho)); // Pollaczek-Khinchine for deterministic service
        double meanLatencyMs = stats.latencyMicros().getMean() / 1000;
        assertThat(meanLatencyMs).isCloseTo((service + meanWait) * 1000, within(5.0));
        assertThat(stats.latencyMicros().getMinValue()).isBetween(49_900L, 50_100L);
        assertThat(stats.dropped()).isZero();
    }

    @Test
    void everyRequestIsCompletedOrDropped() {
        RunResult result = run(scenario(TWO_ARCH), knative());
        for (RunResult.FunctionResult f : result.functions()) {
            assertThat(f.stats().completed() + f.stats().dropped()).isEqualTo(f.stats().requests());
            assertThat(f.stats().served(Arch.AMD64) + f.stats().served(Arch.ARM64)).isEqualTo(f.stats().completed());
        }
        FunctionStats batch = result.functions().get(1).stats();
        assertThat(batch.served(Arch.ARM64)).as("batch may only run on amd64").isZero();
        assertThat(batch.podSeconds(Arch.ARM64)).isZero();
    }

    @Test
    void theSameSeedReplaysExactlyAndAnotherSeedDoesNot() {
        Scenario scenario = scenario(TWO_ARCH);
        var first = Summaries.of(run(scenario, knative()));
        var again = Summaries.of(run(scenario, knative()));
        var other = Summaries.of(run(scenario.withSeed(6), knative()));
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(other.requests()).isNotEqualTo(first.requests());
    }

    @Test
    void everySystemSeesTheSameRequests() {
        Scenario scenario = scenario(TWO_ARCH);
        RunResult a = run(scenario, knative());
        RunResult b = run(scenario, fixedReplicas(3));
        for (int f = 0; f < 2; f++) {
            assertThat(b.functions().get(f).stats().requests()).isEqualTo(a.functions().get(f).stats().requests());
        }
    }

    @Test
    void arrivalTimesAreTheArrivalStreamAloneSoTheEmulationAndTheClusterReplayThemToo() {
        Scenario scenario = scenario(TWO_ARCH);
        RunResult result = run(scenario, knative());
        for (int f = 0; f < 2; f++) {
            ArrivalProcess bare = Seeds.arrivals(scenario.seed(), f, scenario.functions().get(f).arrival());
            long count = 0;
            for (double t = bare.next(0); t < scenario.durationSeconds(); t = bare.next(t)) {
                count++;
            }
            assertThat(result.functions().get(f).stats().requests()).isEqualTo(count);
        }
    }

    @Test
    void podSecondsAndSatisfactionOfAFixedDeployment() {
        RunResult result = run(scenario(TWO_ARCH), fixedReplicas(2));
        FunctionStats web = result.functions().get(0).stats();
        assertThat(web.podSeconds()).isCloseTo(2 * 300, within(1e-6));
        assertThat(web.ownDesiredSatisfaction()).isEqualTo(1.0);
        assertThat(web.podStarts()).as("initial pods already run").isZero();
    }

    @Test
    void demandIsTheSameForEverySystemAndAWarmSurplusMeetsAllOfIt() {
        Scenario scenario = scenario(TWO_ARCH);
        RunResult knative = run(scenario, knative());
        RunResult plenty = run(scenario, fixedReplicas(4));
        for (int f = 0; f < 2; f++) {
            FunctionStats a = knative.functions().get(f).stats();
            FunctionStats b = plenty.functions().get(f).stats();
            assertThat(a.hadDemand()).isTrue();
            assertThat(b.demandSeconds()).as("the demand comes from the arrivals alone").isEqualTo(a.demandSeconds());
        }
        // four warm pods of web from the start are more than its load needs at every moment
        assertThat(plenty.functions().get(0).stats().demandSatisfaction()).isEqualTo(1.0);
    }

    @Test
    void theDemandsPodSecondsAreTheLoadsWorkAtFullConcurrency() {
        // batch: 3 rps of requests of mean 800 ms × exp(σ² / 2) = 865 ms (σ = ln(2000 / 800) / 2.326),
        // one at a time, for 300 s: 3 × 0.865 × 300 ≈ 778 pod-seconds; 900 Poisson arrivals vary by about 3 %
        BenchSummary.SystemSummary knative = Summaries.of(run(scenario(TWO_ARCH), knative()));
        BenchSummary.SystemSummary plenty = Summaries.of(run(scenario(TWO_ARCH), fixedReplicas(4)));
        assertThat(knative.functions().get(1).demandPodSeconds()).isCloseTo(778, withinPercentage(8));
        assertThat(knative.demandPodSeconds())
                .isCloseTo(knative.functions().stream().mapToDouble(BenchSummary.FunctionSummary::demandPodSeconds).sum(), within(0.01))
                .as("the same for every system").isEqualTo(plenty.demandPodSeconds());
    }

    @Test
    void satisfactionIsWhatFitsOverWhatIsWanted() {
        // 4 amd64 cores hold 4 one-core batch pods and no more; it wants 8.
        RunResult result = run(scenario(TWO_ARCH), fixedReplicas(8));
        FunctionStats batch = result.functions().get(1).stats();
        FunctionStats web = result.functions().get(0).stats();
        double cores = 8.0; // 2 amd64 + 2 arm64 nodes of 2 cores
        assertThat(batch.ownDesiredSatisfaction() * 8 * 1.0 + web.ownDesiredSatisfaction() * 8 * 0.5).isLessThanOrEqualTo(cores + 1e-9);
        assertThat(batch.ownDesiredSatisfaction()).isLessThan(1.0);
    }

    /** One call, four idle minutes, another call: what keep-alive policies are for. */
    private static final String IDLE_THEN_BUSY = """
            name: cold
            durationSeconds: 400
            seed: 8
            cluster:
              loadBalancers: 1
              podStartupSeconds: {median: 4, p99: 4}
              nodes: [{count: 1, arch: arm64, cpu: 4, memoryMiB: 4096}]
            functions:
              - name: rare
                arrival: {type: perMinute, counts: [1, 0, 0, 0, 1, 0, 0]}
                serviceTimeMs: {arm64: {median: 100, p99: 100}}
                cpu: 250m
                memoryMiB: 128
                containerConcurrency: 1
                sloP99Ms: 1000
            """;

    @Test
    void scaleFromZeroPaysTheColdStart() {

        FunctionStats stats = only(run(scenario(IDLE_THEN_BUSY), knative()));
        // The first request finds the initial pod; 60 s without traffic and the 30 s grace period
        // later it is gone, so the second request, in minute 5, waits the 4 s start-up.
        assertThat(stats.requests()).isEqualTo(2);
        assertThat(stats.completed()).isEqualTo(2);
        assertThat(stats.coldStarts()).isEqualTo(1);
        assertThat(stats.latencyMicros().getMaxValue()).isBetween(4_090_000L, 4_110_000L);
        assertThat(stats.podStarts()).isEqualTo(stats.coldStarts());
    }

    @Test
    void autoscalersSeeEachSnapshotOneIntervalLateAndAWaitingRequestAtOnce() {
        List<String> problems = new ArrayList<>();
        Instant[] newest = {null};
        int[] activations = {0};
        SystemUnderTest watching = new SystemUnderTest("lagged", "test", dev.muserving.routing.policy.KnativeActivatorRouting::new,
                fn -> new AutoscalingPolicy() {
                    @Override
                    public int initialReplicas() {
                        return 0;
                    }

                    @Override
                    public void record(MetricSnapshot snapshot) {
                        newest[0] = snapshot.at();
                    }

                    @Override
                    public void recordActivation(Instant at) {
                        activations[0]++;
                    }

                    @Override
                    public ScalingDecision decide(ReplicaCounts counts, Instant now) {
                        if (newest[0] != null && Duration.between(newest[0], now).compareTo(Duration.ofSeconds(1)) < 0) {
                            problems.add("at " + now + " the newest snapshot is of " + newest[0]);
                        }
                        return new ScalingDecision(activations[0] > 0 ? 1 : 0, "one once a request came");
                    }
                }, dev.muserving.placement.policy.KubeSchedulerPlacement::new);
        FunctionStats stats = only(run(scenario(IDLE_THEN_BUSY), watching));
        assertThat(problems).isEmpty();
        assertThat(newest[0]).isNotNull();
        assertThat(activations[0]).as("the first request finds no pod").isEqualTo(1);
        assertThat(stats.completed()).isEqualTo(2);
    }

    @Test
    void theHybridHistogramBaselineKeepsARarelyCalledFunctionWarmWhereTheKpaLetsItGo() {

        // two calls are too few for a histogram: the fixed 10-minute keep-alive holds the pod over the 4-minute gap
        FunctionStats stats = only(run(scenario(IDLE_THEN_BUSY), Systems.get("knative+hist")));
        assertThat(stats.completed()).isEqualTo(2);
        assertThat(stats.coldStarts()).isZero();
        assertThat(stats.podStarts()).isZero();
        assertThat(stats.podSeconds()).as("the pod stayed the whole run").isCloseTo(400, within(1e-6));
    }

    @Test
    void balancersLearnPodStateOnlyFromTheirOwnResponses() {
        Map<String, Long> violations = new HashMap<>();
        long[] checks = new long[1];
        RunResult result = run(scenario(TWO_ARCH), TestSystems.withRouting("watching", 3, (fn, position, random) -> new RoutingPolicy() {
            private final Map<String, PodHeaderState> seen = new HashMap<>();
            private int next;

            @Override
            public int choose(PodSet pods, Instant now) {
                for (int i = 0; i < pods.size(); i++) {
                    PodHeaderState report = pods.lastReport(i);
                    PodHeaderState expected = seen.get(report.pod());
                    checks[0]++;
                    boolean unchanged = expected == null ? report.measuredAtMillis() == 0 : report == expected;
                    if (!unchanged) {
                        violations.merge(report.pod(), 1L, Long::sum);
                    }
                }
                return pods.size() == 0 ? HOLD : next++ % pods.size();
            }

            @Override
            public void onResponse(PodSet pods, int pod, double latencyMs, Instant now) {
                PodHeaderState report = pods.lastReport(pod);
                assertThat(report.measuredAtMillis()).isCloseTo(now.toEpochMilli() - Simulator.EPOCH.toEpochMilli(), within(1L));
                seen.put(report.pod(), report);
            }
        }));
        assertThat(result.functions().get(0).stats().completed()).isPositive();
        assertThat(checks[0]).isGreaterThan(10_000);
        assertThat(violations).isEmpty();
    }

    @Test
    void requestsThatNeverFindAPodTimeOut() {
        String noRoom = MD1.replace("cpu: 1\n", "cpu: 8\n").replace("durationSeconds: 4000", "durationSeconds: 100")
                .replace("cluster:\n", "cluster:\n  requestTimeoutSeconds: 30\n");
        List<String> warnings = new ArrayList<>();
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, warnings::add).parse("test.yaml", noRoom);
        assertThat(warnings).singleElement().asString().contains("fits no node of the cluster");
        FunctionStats stats = only(run(scenario, knative()));
        assertThat(stats.completed()).isZero();
        assertThat(stats.dropped()).isEqualTo(stats.requests()).isPositive();
        assertThat(stats.sloViolations()).isEqualTo(stats.requests());
    }

    /**
     * The timeout counts from arrival to the answer, as the activator-lb's does: a request that
     * starts just before it and would finish after it is answered 504 at the timeout, not served late.
     */
    @Test
    void noRequestIsAnsweredLaterThanTheTimeout() {
        int timeoutSeconds = 30;
        Scenario scenario = scenario(overloaded(10_000, timeoutSeconds));
        FunctionStats stats = only(run(scenario, onePodHeldIn(HeldOrder.OLDEST_FIRST)));
        assertThat(stats.dropped()).isPositive();
        assertThat(stats.completed() + stats.dropped()).isEqualTo(stats.requests());
        assertThat(stats.latencyMicros().getMaxValue()).as("the slowest answer, µs")
                .isLessThanOrEqualTo(stats.latencyMicros().highestEquivalentValue(timeoutSeconds * 1_000_000L));
    }

    /** One pod at 1.2x its capacity: a backlog that stands, in the balancer. */
    private static String overloaded(int balancerQueueLimit, int timeoutSeconds) {
        return MD1.replace("rps: 16", "rps: 24").replace("durationSeconds: 4000", "durationSeconds: 300")
                .replace("cluster:\n", "cluster:\n  requestTimeoutSeconds: " + timeoutSeconds + "\n  balancerQueueLimit: "
                        + balancerQueueLimit + "\n");
    }

    private static SystemUnderTest onePodHeldIn(HeldOrder order) {
        return TestSystems.withRouting(order.name(), 1, (fn, position, random) -> new RoutingPolicy() {
            private final RoutingPolicy knative = new KnativeActivatorRouting(fn, position, random);

            @Override
            public int choose(PodSet pods, Instant now) {
                return knative.choose(pods, now);
            }

            @Override
            public HeldOrder heldOrder() {
                return order;
            }
        });
    }

    @Test
    void underAStandingBacklogOnTimeFirstAnswersMostRequestsInTimeAndGivesUpOnlyTheBacklogAtTheEnd() {
        int timeoutSeconds = 30;
        Scenario scenario = scenario(overloaded(10_000, timeoutSeconds));
        FunctionStats fifo = only(run(scenario, onePodHeldIn(HeldOrder.OLDEST_FIRST)));
        FunctionStats onTime = only(run(scenario, onePodHeldIn(HeldOrder.ON_TIME_FIRST)));
        assertThat(onTime.requests()).isEqualTo(fifo.requests());
        assertThat(fifo.sloViolations()).as("behind the backlog nearly every request is late").isGreaterThan(fifo.requests() * 9 / 10);
        assertThat(onTime.sloViolations()).isLessThan(fifo.sloViolations() / 3);
        // While the overload lasts, first come first served starts each request just before its
        // timeout, so many end after it and are answered 504 (the timeout runs from arrival to the
        // answer); on time first serves the fresh ones and gives up only those it cannot make in time.
        assertThat(onTime.dropped()).isLessThan(fifo.dropped());
        assertThat(fifo.completed() + fifo.dropped()).isEqualTo(fifo.requests());
    }

    private static long requests(RunResult result) {
        return result.functions().stream().mapToLong(f -> f.stats().requests()).sum();
    }

    @Test
    void memoryFollowsRequestsInFlightNotTheLengthOfTheRun() {
        Scenario shortRun = scenario(TWO_ARCH);
        Scenario longRun = scenario(TWO_ARCH.replace("durationSeconds: 300", "durationSeconds: 3000"));
        RunResult shortResult = run(shortRun, fixedReplicas(4));
        RunResult longResult = run(longRun, fixedReplicas(4));
        RunResult.RunFootprint small = shortResult.footprint();
        RunResult.RunFootprint large = longResult.footprint();
        assertThat(requests(longResult)).isGreaterThan(9 * requests(shortResult));
        assertThat(large.requestSlots()).isLessThanOrEqualTo(2 * small.requestSlots());
        assertThat(large.eventSlots()).isLessThanOrEqualTo(2 * small.eventSlots());
    }
}
