package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import dev.muserving.local.FunctionWatcher;
import dev.muserving.local.LocalFunction;
import dev.muserving.local.LocalNode;
import dev.muserving.local.LocalPolicies;
import dev.muserving.local.LocalSystem;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "local",
        description = {"Run Functions on this machine, no cluster needed: the activator-lb, Mu's autoscaler and placement over "
                + "emulated nodes, and each pod as a local process (spec.local.command) behind its queue-proxy.",
                "Call a function at http://127.0.0.1:PORT/fn/<namespace>/<name>. Ctrl-C stops everything it started."},
        mixinStandardHelpOptions = true)
final class LocalCommand implements Callable<Integer> {

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE_OR_DIR", defaultValue = "examples",
            description = "Function YAMLs, the files kubectl apply takes; a directory means its *.yaml and *.yml (default: ${DEFAULT-VALUE}).")
    List<Path> inputs;

    @Option(names = "--port", defaultValue = "8080", description = "The activator-lb's port; 0 for any (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--address", defaultValue = "127.0.0.1",
            description = "Where it listens; 0.0.0.0 serves other machines too (default: ${DEFAULT-VALUE}).")
    String address;

    @Option(names = "--metrics-port", defaultValue = "9090",
            description = "Prometheus /metrics: the activator-lb's mu_* series (the controller's mu_function_* series are a"
                    + " cluster's only); 0 for any (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--nodes", defaultValue = "amd64=2,arm64=2", description = "Emulated nodes (default: ${DEFAULT-VALUE}).")
    String nodes;

    @Option(names = "--node-cpu", defaultValue = "2", description = "Cores per emulated node (default: ${DEFAULT-VALUE}).")
    double nodeCpu;

    @Option(names = "--node-memory-mib", defaultValue = "4096", description = "Memory per emulated node (default: ${DEFAULT-VALUE}).")
    int nodeMemoryMiB;

    @Option(names = "--system", defaultValue = "mu",
            description = "Policies: mu (Mu's routing, autoscaler and placement), knative (Knative's defaults), or any other system "
                    + "of mu bench (mu-burst, mu-routing-only, ...) (default: ${DEFAULT-VALUE}).")
    String system;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the policies' random choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-view", description = "No status table; only the log lines.")
    boolean noView;

    @Option(names = "--logs", paramLabel = "DIR", description = "Where pods' processes write their output (default: a new temporary directory).")
    Path logs;

    private static final String CLEAR = "\033[H\033[2J";
    private static final int RECENT_LINES = 10;

    private final PrintStream out;
    private final boolean terminal;
    private final Deque<String> recent = new ArrayDeque<>();
    private String header = "";
    private int linesSaid;

    LocalCommand() {
        this(System.out, System.console() != null);
    }

    LocalCommand(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws Exception {
        LogLines.sayInstead(this::say); // what the data plane logs, said like every other line
        checkPort("--port", port);
        checkPort("--metrics-port", metricsPort);
        if (!(nodeCpu > 0) || nodeMemoryMiB < 1) {
            throw new BadInputException("--node-cpu and --node-memory-mib must be positive");
        }
        List<LocalNode> emulated = LocalNode.parse(nodes, (int) Math.round(nodeCpu * 1000), nodeMemoryMiB, LocalNode.DEFAULT_SPEED);
        FunctionWatcher watcher = new FunctionWatcher(inputs, null, this::say);
        List<LocalFunction> functions = watcher.load();
        if (functions.isEmpty()) {
            throw new BadInputException("no Function to run in " + inputs + (linesSaid > 0 ? " (see the lines above)"
                    : ": no file there holds a kind: Function (a directory means its *.yaml and *.yml files)"));
        }
        LocalPolicies policies = LocalPolicies.named(this.system, seed);
        Path logDir = logs != null ? OutputDirectory.create("--logs", logs) : Files.createTempDirectory("mu-local-");
        LocalSystem system;
        try {
            system = LocalSystem.start(policies, address, port, metricsPort, emulated, logDir, functions, this::say);
        } catch (Exception e) {
            if (logs == null) {
                Files.deleteIfExists(logDir); // nothing was logged yet: no empty directory left behind
            }
            throw e;
        }
        watcher.onChange(system::apply);
        watcher.start(Duration.ofSeconds(1));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping: draining requests, stopping every pod");
            watcher.close();
            system.close();
            say("stopped");
            stopped.countDown();
        }, "mu-local-stop"));
        header = "mu local: http://" + address + ":" + system.port() + "/fn/<namespace>/<name>   metrics http://" + address + ":"
                + system.metricsPort() + "/metrics   system " + policies.name() + "   nodes " + nodes + "   watching " + inputs + "   Ctrl-C stops";
        say("serving " + functions.size() + " function(s) on http://" + address + ":" + system.port()
                + " (nodes " + nodes + "; metrics on http://" + address + ":" + system.metricsPort() + "/metrics; pod logs in " + logDir
                + "; watching " + inputs + ")");
        for (LocalFunction fn : functions) {
            say("  curl http://" + address + ":" + system.port() + "/fn/" + fn.key().namespace() + "/" + fn.key().name());
        }
        if (!noView) {
            showStatus(system, stopped);
        }
        stopped.await();
        return 0;
    }

    private static void checkPort(String option, int value) {
        if (value < 0 || value > 65_535) {
            throw new BadInputException(option + " " + value + ": give a port from 1 to 65535, or 0 for any free one");
        }
    }

    /**
     * On a terminal the table is redrawn every 2 s with the latest log lines under it; into a file
     * or a pipe it is printed every 10 s between the log lines.
     */
    private void showStatus(LocalSystem system, CountDownLatch stopped) {
        Thread view = new Thread(() -> {
            long period = terminal ? 2_000 : 10_000;
            try {
                while (!stopped.await(period, TimeUnit.MILLISECONDS)) {
                    String table = StatusView.render(system.status());
                    synchronized (this) {
                        if (terminal) {
                            out.print(CLEAR + header + "\n\n" + table + "\n" + String.join("\n", recent) + "\n");
                        } else {
                            out.print(table);
                        }
                        out.flush();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mu-local-view");
        view.setDaemon(true);
        view.start();
    }

    private synchronized void say(String line) {
        linesSaid++;
        String stamped = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME) + " " + line;
        if (terminal && !noView) {
            recent.addLast(stamped);
            while (recent.size() > RECENT_LINES) {
                recent.removeFirst();
            }
        }
        out.println(stamped.replaceFirst(" ", " mu local: "));
        out.flush();
    }
}
