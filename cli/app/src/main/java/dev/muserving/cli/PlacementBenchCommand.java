package dev.muserving.cli;

import dev.muserving.placementbench.PlacementBench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mu placement-bench}: mu-placement against kube-scheduler on the test control plane. */
@Command(
        name = "placement-bench",
        mixinStandardHelpOptions = true,
        description = "Starts the test control plane (deploy/testenv, no scheduler) on KWOK nodes of mixed architectures and sizes, "
                + "creates the same backlog of pods of weighted functions, more than the cluster holds, then starts a scheduler on it: "
                + "mu-placement (the controller, run from operator/target), then kube-scheduler. Measures throughput, start-to-binding p99, "
                + "fairness, fragmentation and wrong-architecture bindings. Writes placement-bench.json and prints a table (docs/placement.md).")
final class PlacementBenchCommand implements Callable<Integer> {

    /** testenv.sh down stops etcd, kube-apiserver and the rest in a few seconds. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "500", description = "KWOK nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--pods", defaultValue = "5000", description = "Pods (default: ${DEFAULT-VALUE}).")
    int pods;

    @Option(names = "--functions", defaultValue = "50", description = "Functions the pods belong to (default: ${DEFAULT-VALUE}).")
    int functions;

    @Option(names = "--overload", defaultValue = "1.3", description = "Requested CPU over the cluster's (default: ${DEFAULT-VALUE}).")
    double overload;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the workload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--settle", defaultValue = "20s", converter = DurationConverter.class,
            description = "A run ends when every pod is bound or none was for this long (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(names = "--schedulers", split = ",", description = "Schedulers to run (default: both): mu-placement, kube-scheduler.")
    List<String> schedulers;

    @Option(names = "--kube-scheduler-qps", defaultValue = "" + PlacementBench.KUBE_SCHEDULER_QPS,
            description = "Requests per second kube-scheduler may send the API server, bindings included; burst twice that "
                    + "(default: ${DEFAULT-VALUE}, kube-scheduler's own default).")
    int kubeSchedulerQps;

    @Option(names = "--out", defaultValue = "bench-out/placement", description = "Directory for placement-bench.json (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        OutputDirectory.create("--out", out);
        // SIGTERM or Ctrl-C: the run is interrupted and takes its control plane down before the JVM goes
        try (OnShutdown stop = OnShutdown.interrupting("mu-placement-bench-stop", STOP_GRACE)) {
            runBench();
        } catch (InterruptedException e) {
            spec.commandLine().getErr().println("mu placement-bench: stopped before it finished; its control plane is down");
            return Mu.EXIT_STOPPED;
        }
        return 0;
    }

    private void runBench() throws Exception {
        new PlacementBench(new PlacementBench.Options(nodes, pods, functions, overload, seed, settle, out,
                schedulers == null ? PlacementBench.SCHEDULERS : schedulers, kubeSchedulerQps), spec.commandLine().getErr()).run();
    }
}
