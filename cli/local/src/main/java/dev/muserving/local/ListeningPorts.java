package dev.muserving.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The TCP ports a process and its descendants listen on, read from Linux's {@code /proc}: the
 * sockets among their open files, looked up in {@code /proc/net/tcp} and {@code tcp6}. So a command
 * that serves on a port of its own (8080, as many images do) instead of {@code $PORT} is said at
 * once, not after the start timeout. Empty where there is no {@code /proc} or it cannot be read.
 */
final class ListeningPorts {

    private static final Path PROC = Path.of("/proc");
    private static final String LISTEN = "0A";

    private ListeningPorts() {}

    static SortedSet<Integer> of(long pid) {
        Set<String> inodes = new HashSet<>();
        ProcessHandle.of(pid).ifPresent(process -> Stream.concat(Stream.of(process), process.descendants())
                .forEach(p -> inodes.addAll(socketInodes(p.pid()))));
        SortedSet<Integer> ports = new TreeSet<>();
        if (!inodes.isEmpty()) {
            for (String table : List.of("tcp", "tcp6")) {
                ports.addAll(listening(PROC.resolve("net").resolve(table), inodes));
            }
        }
        return ports;
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException | UnsupportedOperationException closedMeanwhile) {
                    // the descriptor closed while listed, or is not a link: not a socket we can see
                }
            });
        } catch (IOException | UncheckedIOException gone) {
            // the process ended, or /proc is not there (not Linux)
        }
        return inodes;
    }

    /** {@code sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode}: ports in LISTEN with one of {@code inodes}. */
    private static Set<Integer> listening(Path table, Set<String> inodes) {
        Set<Integer> ports = new HashSet<>();
        try (Stream<String> lines = Files.lines(table)) {
            lines.skip(1).map(String::trim).map(line -> line.split("\\s+")).filter(f -> f.length > 9)
                    .filter(f -> LISTEN.equals(f[3]) && inodes.contains(f[9]))
                    .forEach(f -> ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16)));
        } catch (IOException | UncheckedIOException | NumberFormatException unreadable) {
            // no such table here (no IPv6), or a format this reader does not know: nothing said
        }
        return ports;
    }
}
