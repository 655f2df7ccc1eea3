package dev.muserving.lbbench;

import dev.muserving.api.BadInputException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/** The outside programs the benchmark drives, found on the PATH (and /usr/sbin, where Debian puts daemons). */
public final class Tools {

    /** Debian package of each program. */
    private static final Map<String, String> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put("wrk", "wrk");
        PACKAGES.put("nginx", "nginx-light");
        PACKAGES.put("haproxy", "haproxy");
    }

    private Tools() {}

    static Optional<Path> find(String program) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * vegeta, which no Debian package has: on the PATH, else where {@code deploy/testenv/testenv.sh
     * build} puts it ({@code $MU_TESTENV_CACHE}, else {@code ~/.cache/mu-testenv}).
     */
    public static Optional<Path> vegeta() {
        Optional<Path> onPath = find("vegeta");
        if (onPath.isPresent()) {
            return onPath;
        }
        String cache = System.getenv("MU_TESTENV_CACHE");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = cache != null ? Path.of(cache)
                : (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("mu-testenv");
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(d -> d.getFileName().toString().startsWith("vegeta-"))
                    .map(d -> d.resolve("bin/vegeta")).filter(Files::isExecutable)
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs a program to its end, killed after {@code timeoutSeconds}; its output goes where the
     * builder sends it.
     *
     * @return its exit code
     */
    public static int run(ProcessBuilder builder, long timeoutSeconds, String what, Path log) throws IOException {
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(what + " did not finish within " + timeoutSeconds + " s; see " + log);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what + " ran", e);
        }
    }

    /** The programs, or an error naming the missing ones and the one command that installs them. */
    static Map<String, Path> require(List<String> programs) {
        return require(programs, Tools::find);
    }

    static Map<String, Path> require(List<String> programs, Function<String, Optional<Path>> finder) {
        Map<String, Path> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String program : programs) {
            if (!PACKAGES.containsKey(program)) {
                throw new IllegalArgumentException("lb-bench does not use " + program);
            }
            finder.apply(program).ifPresentOrElse(p -> found.put(program, p), () -> missing.add(program));
        }
        if (!missing.isEmpty()) {
            throw new BadInputException("lb-bench needs " + String.join(", ", missing) + ", which "
                    + (missing.size() == 1 ? "is" : "are") + " not installed; install with: sudo apt-get install "
                    + String.join(" ", missing.stream().map(PACKAGES::get).toList())
                    + " (or leave the target out with --targets)");
        }
        return found;
    }
}
