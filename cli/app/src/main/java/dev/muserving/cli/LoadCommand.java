package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import dev.muserving.load.LoadGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "load",
        description = {"Send open-loop load to a URL: Poisson arrivals at a fixed rate, whatever the answers do.",
                "Prints each second (the requests sent in it, and the answers and failures that came in it, whichever"
                        + " second they were sent in) and a summary; exit code 3 when any request failed or went unanswered."},
        mixinStandardHelpOptions = true)
final class LoadCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", description = "e.g. http://127.0.0.1:8080/fn/demo/echo")
    URI target;

    @Option(names = "--rate", defaultValue = "20", description = "Requests per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to send (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "Per request (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--body", description = "POST this body, or with @FILE the text of that file, as curl's -d @FILE (default: GET).")
    String body;

    /** How long Ctrl-C waits for the totals: the answers in flight get {@code LoadGenerator.STOPPED_WAIT} of it. */
    private static final Duration SUMMARY_WAIT = Duration.ofSeconds(5);

    /** Bodies are held in memory and sent over and over: a file larger than this is a mistake, not a load. */
    static final long MAX_BODY_FILE_BYTES = 16L << 20;

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the arrival times (default: ${DEFAULT-VALUE}).")
    long seed;

    private final PrintStream out;

    LoadCommand() {
        this(System.out);
    }

    LoadCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        if (!(rate > 0) || rate > 100_000) {
            throw new BadInputException("--rate must be above 0 and at most 100000, got " + rate);
        }
        if (target.getScheme() == null || !target.getScheme().startsWith("http")) {
            throw new BadInputException("URL must be http:// or https://, got '" + target + "'");
        }
        String text = body();
        int[] second = {0};
        LoadGenerator.Window total;
        Map<String, Long> failures;
        try (LoadGenerator load = new LoadGenerator();
                // Ctrl-C ends the run early and still prints its totals, as vegeta and wrk do
                OnShutdown stop = new OnShutdown("mu-load-interrupted", load::stop, SUMMARY_WAIT)) {
            total = load.run(target, rate, duration, timeout, text, seed,
                    window -> out.println(String.format(Locale.ROOT, "%4d s  %s", ++second[0], describe(window))));
            failures = load.failures();
            out.println("total   " + describe(total) + ", p50 " + millis(total.latencyMicros().getTotalCount(), total.p50Millis()));
            failures.forEach((reason, n) -> out.println(String.format(Locale.ROOT, "no answer: %d × %s", n, reason)));
            out.flush();
        }
        return total.errors() + total.dropped() > 0 || total.ok() < total.sent() ? Mu.EXIT_REQUESTS_FAILED : 0;
    }

    /** The body to send: {@code --body} as given, or the file it names after an {@code @}. */
    String body() {
        if (body == null || !body.startsWith("@")) {
            return body;
        }
        Path file = Path.of(body.substring(1));
        try {
            long size = Files.size(file);
            if (size > MAX_BODY_FILE_BYTES) {
                throw new BadInputException("--body " + body + ": " + size + " bytes, over the " + MAX_BODY_FILE_BYTES + " mu load sends");
            }
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new BadInputException("--body " + body + ": not UTF-8 text; mu load sends text bodies only");
        } catch (NoSuchFileException e) {
            throw new BadInputException("--body " + body + ": no such file");
        } catch (IOException e) {
            throw new BadInputException("--body " + body + ": cannot be read: " + e.getMessage());
        }
    }

    private static String describe(LoadGenerator.Window w) {
        String codes = w.byStatus().entrySet().stream().map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(" "));
        return String.format(Locale.ROOT, "sent %d  %s%s%s  p99 %s", w.sent(), codes.isEmpty() ? "-" : codes,
                w.errors() > 0 ? "  failed " + w.errors() : "", w.dropped() > 0 ? "  dropped " + w.dropped() : "",
                millis(w.latencyMicros().getTotalCount(), w.p99Millis()));
    }

    /** A latency, or "-" when no answer came to measure one (rather than a 0.0 ms nothing took). */
    private static String millis(long answers, double value) {
        return answers == 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", value);
    }
}
