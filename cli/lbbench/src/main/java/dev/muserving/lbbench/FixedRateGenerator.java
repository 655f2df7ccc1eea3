package dev.muserving.lbbench;

import dev.muserving.api.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What sends lb-bench's fixed-rate load: vegeta, or {@link NettyOpenLoop}. */
public interface FixedRateGenerator extends AutoCloseable {

    /**
     * Sends {@code rps} to {@code url} for {@code warmup} plus {@code duration}: the requests after
     * the warm-up are the counted figures, those before it the run's start.
     */
    LbBench.FixedRun attack(String url, double rps, Duration warmup, Duration duration) throws IOException;

    @Override
    default void close() {}

    /** The generators to choose from ({@code --load-generator}). */
    public enum Kind {

        /** vegeta, a process per run: a Go program that costs about as much CPU per request as the backend it loads. */
        VEGETA {
            @Override
            Optional<String> missing() {
                return Tools.vegeta().isPresent() ? Optional.empty()
                        : Optional.of("vegeta is not installed: put it on the PATH, or build it with deploy/testenv/testenv.sh build");
            }

            @Override
            FixedRateGenerator start(CpuPinning pinning, Path dir) {
                return new Vegeta(Tools.vegeta().orElseThrow(), dir, pinning);
            }
        },

        /** {@link NettyOpenLoop}, one process kept up for every run. */
        NETTY {
            @Override
            Optional<String> missing() {
                return Optional.empty();
            }

            @Override
            FixedRateGenerator start(CpuPinning pinning, Path dir) throws IOException {
                return new OpenLoopProcess(pinning, dir);
            }
        };

        /** Why this generator cannot run here, if it cannot. */
        abstract Optional<String> missing();

        /** A generator ready for its first run; the caller closes it. */
        abstract FixedRateGenerator start(CpuPinning pinning, Path dir) throws IOException;

        /** The name on the command line and in lb-bench.json. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The generator named {@code name} on the command line. */
        public static Kind named(String name) {
            return Arrays.stream(values()).filter(g -> g.toString().equals(name)).findFirst()
                    .orElseThrow(() -> new BadInputException("--load-generator " + name + ": known generators: "
                            + Arrays.stream(values()).map(Kind::toString).collect(Collectors.joining(", "))));
        }
    }
}
