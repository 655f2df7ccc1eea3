package dev.muserving.cli;

import dev.muserving.soak.Soak;
import dev.muserving.soak.SoakOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mu soak}: mu local under long mixed load with pod kills, watched for leaks. */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = {"Runs mu local in a process of its own with three Functions (a fast echo, a slower function, a webhook "
                + "that scales to zero between bursts), sends mixed open-loop load (GET and POST, bodies up to 2 MiB) and kills a "
                + "function process every --kill-every. Reads mu local's heap after a full GC, resident memory and file descriptors "
                + "before and after, with the system quiet. Writes soak.json; details in docs/dataplane.md.",
                "Exit code 4 when a target is missed: an error other than a request held by a killed pod, the heap after GC "
                        + "over 110 %% of its start, more file descriptors than at the start, or the functions not back at their "
                        + "minimum scale at a reading. Exit code 1 when mu local stops during the soak; Ctrl-C or SIGTERM stops mu "
                        + "local and its pods first."})
final class SoakCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", defaultValue = "10m", converter = DurationConverter.class,
            description = "Load with pod kills, e.g. 10m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--kill-every", defaultValue = "30s", converter = DurationConverter.class,
            description = "A function process is killed (SIGKILL) this often (default: ${DEFAULT-VALUE}).")
    Duration killEvery;

    @Option(names = "--rate", defaultValue = "60", description = "Requests per second over all kinds (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds arrivals, request kinds and which pod dies (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--warm-up", defaultValue = "30s", converter = DurationConverter.OrZero.class,
            description = "Load before the first reading; 0 for none (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--quiet", defaultValue = "70s", converter = DurationConverter.OrZero.class,
            description = "No load for this long before each reading; past the 60 s keep-alive of pooled connections "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration quiet;

    @Option(names = "--settle-limit", defaultValue = "3m", converter = DurationConverter.class,
            description = "Before each reading, at most this long waiting for the functions to be back at their minimum scale "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration settleLimit;

    /** mu local drains for up to its pods' drain time; the soak waits 60 s for it before it kills what is left. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(70);

    @Option(names = "--out", defaultValue = "bench-out/soak", description = "Directory for soak.json and the logs (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        SoakOptions options = new SoakOptions(duration, killEvery, rate, seed, warmUp, quiet, settleLimit, Duration.ofSeconds(60));
        OutputDirectory.create("--out", out);
        PrintWriter progress = spec.commandLine().getErr();
        Soak.Result result;
        // SIGTERM or Ctrl-C: the run is interrupted and stops mu local (which drains and stops its pods) before the JVM goes
        try (OnShutdown stop = OnShutdown.interrupting("mu-soak-stop", STOP_GRACE)) {
            result = new Soak(options, muCommand(), out, progress).run();
        } catch (InterruptedException e) {
            progress.println("mu soak: interrupted; mu local and its pods are stopped, and no soak.json is written");
            progress.flush();
            return Mu.EXIT_STOPPED;
        } catch (IOException e) {
            progress.println("mu soak: " + e.getMessage());
            progress.flush();
            return 1;
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(summary(result.json()));
        stdout.println("wrote " + result.file());
        stdout.flush();
        return result.passed() ? 0 : Mu.EXIT_TARGET_MISSED;
    }

    /** This very CLI, run again in a JVM of its own. */
    private static List<String> muCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                Mu.class.getName());
    }

    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> json) {
        Map<String, Object> requests = (Map<String, Object>) json.get("requests");
        Map<String, Object> start = (Map<String, Object>) json.get("start");
        Map<String, Object> end = (Map<String, Object>) json.get("end");
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "requests %s sent, %s ok, %s held by killed pods, %s errors %s%n",
                requests.get("sent"), requests.get("ok"), requests.get("heldByKilledPods"), requests.get("errors"), requests.get("errorsByCause")));
        text.append(String.format(Locale.ROOT, "kills %d; heap after GC %s -> %s bytes; RSS %s -> %s bytes; fds %s -> %s%n",
                ((List<?>) json.get("kills")).size(), start.get("heapAfterGcBytes"), end.get("heapAfterGcBytes"), start.get("rssBytes"),
                end.get("rssBytes"), start.get("fds"), end.get("fds")));
        ((Map<String, Boolean>) json.get("checks")).forEach((check, held) -> text.append(held ? "  ok      " : "  MISSED  ").append(check).append('\n'));
        return text.toString().stripTrailing();
    }
}
