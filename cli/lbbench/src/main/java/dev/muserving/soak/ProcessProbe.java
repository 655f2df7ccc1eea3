package dev.muserving.soak;

import dev.muserving.lbbench.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a running JVM holds, read from outside as an operator would: resident memory and open file
 * descriptors from {@code /proc}, the heap after a full collection from {@code jcmd}, and which of
 * its children runs which function (the {@code MU_FUNCTION_NAME} that {@code mu local} gives every
 * emulated function's process).
 */
final class ProcessProbe {

    /** G1's and Parallel's {@code GC.heap_info} first line: "... total 262144K, used 21503K [...". */
    private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private final long pid;
    private final Path work;

    /** @param work where jcmd's output goes */
    ProcessProbe(long pid, Path work) {
        this.pid = pid;
        this.work = work;
    }

    /** One reading. */
    record Reading(long heapAfterGcBytes, long rssBytes, long fds, Map<String, Integer> fdsByKind, Map<String, Integer> functionProcesses) {}

    Reading read() throws IOException {
        long heap = heapAfterGc();
        Map<String, Integer> fdsByKind = fdsByKind();
        return new Reading(heap, rss(), fdsByKind.values().stream().mapToLong(Integer::longValue).sum(), fdsByKind, functionProcesses());
    }

    /** Runs a full collection, then reads the heap in use: what the process really keeps. */
    long heapAfterGc() throws IOException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = USED.matcher(info);
        if (!used.find()) {
            throw new IOException("jcmd GC.heap_info gave no heap figure: " + info.lines().findFirst().orElse("(nothing)"));
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    /**
     * Open descriptors by what they point at: {@code socket}, {@code pipe}, {@code anon_inode:[eventpoll]},
     * or a file's path with digits hidden (so that a leak of like files shows as one growing count).
     */
    Map<String, Integer> fdsByKind() throws IOException {
        Map<String, Integer> kinds = new TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                kinds.merge(target.replaceAll("\\[\\d+]$", "").replaceAll("\\d+", "N"), 1, Integer::sum);
            }
        }
        return kinds;
    }

    /** The process's children by function: {@code echo -> 2}. */
    Map<String, Integer> functionProcesses() {
        Map<String, Integer> counts = new TreeMap<>();
        functionsByPid().values().forEach(fn -> counts.merge(fn, 1, Integer::sum));
        return counts;
    }

    /** The children that run a function, in pid order: {@code 4711 -> echo}. */
    SortedMap<Long, String> functionsByPid() {
        SortedMap<Long, String> functions = new TreeMap<>();
        ProcessHandle.of(pid).ifPresent(parent -> parent.children().forEach(child ->
                function(child.pid()).ifPresent(fn -> functions.put(child.pid(), fn))));
        return functions;
    }

    /** The function a process runs, if it is one of mu local's emulated functions. */
    private static Optional<String> function(long pid) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
                if (entry.startsWith("MU_FUNCTION_NAME=")) {
                    return Optional.of(entry.substring("MU_FUNCTION_NAME=".length()));
                }
            }
        } catch (IOException | SecurityException gone) {
            // exited meanwhile, or not ours
        }
        return Optional.empty();
    }

    private String jcmd(String command) throws IOException {
        Path log = work.resolve("jcmd.log");
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        ProcessBuilder builder = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (Tools.run(builder, 60, "jcmd " + command, log) != 0) {
            throw new IOException("jcmd " + command + " failed: " + Files.readString(log).trim());
        }
        return Files.readString(log);
    }
}
