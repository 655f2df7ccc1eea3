package dev.muserving.lbbench;

import dev.muserving.api.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which CPUs the balancer under measurement runs on, and which everything else runs on (the
 * backends, wrk, vegeta), set with util-linux's {@code taskset}. On a small machine the load
 * generator, eight backend JVMs and the balancer otherwise share every core, and a balancer's
 * latency is mostly its wait for one; with a core of its own, what it adds is its own work, as
 * proxy benchmarks measure it on machines with cores to spare.
 *
 * @param balancers the balancers' CPUs; empty when nothing is pinned
 * @param rest the other CPUs this process may use; empty when nothing is pinned
 */
public record CpuPinning(SortedSet<Integer> balancers, SortedSet<Integer> rest) {

    public static final CpuPinning NONE = new CpuPinning(new TreeSet<>(), new TreeSet<>());

    static final Path TASKSET = Path.of("/usr/bin/taskset");
    /** The highest CPU number Linux can have (its NR_CPUS limit). */
    private static final int MAX_CPU = 8191;

    public CpuPinning {
        balancers = new TreeSet<>(balancers);
        rest = new TreeSet<>(rest);
    }

    /**
     * The balancers on {@code list} (a CPU list as taskset takes it: {@code 1}, {@code 2-3},
     * {@code 1,3}), the rest on the other CPUs this process may use.
     */
    public static CpuPinning balancersOn(String list) {
        return balancersOn(list, allowedCpus(), Files.isExecutable(TASKSET));
    }

    static CpuPinning balancersOn(String list, SortedSet<Integer> allowed, boolean tasksetInstalled) {
        SortedSet<Integer> balancers = parse(list);
        if (!allowed.containsAll(balancers)) {
            throw new BadInputException("--balancer-cpus " + list + ": this process may run on CPUs " + format(allowed) + " only");
        }
        SortedSet<Integer> rest = new TreeSet<>(allowed);
        rest.removeAll(balancers);
        if (rest.isEmpty()) {
            throw new BadInputException("--balancer-cpus " + list + " leaves no CPU for the backends and the load generator (CPUs "
                    + format(allowed) + ")");
        }
        if (!tasksetInstalled) {
            throw new BadInputException("--balancer-cpus needs taskset, which is not installed; install with: sudo apt-get install util-linux");
        }
        return new CpuPinning(balancers, rest);
    }

    public boolean pinned() {
        return !balancers.isEmpty();
    }

    /** A balancer's command line, run on the balancers' CPUs. */
    List<String> balancer(List<String> command) {
        return on(balancers, command);
    }

    /** A backend's or a load generator's command line, run on the other CPUs. */
    List<String> load(List<String> command) {
        return on(rest, command);
    }

    private static List<String> on(SortedSet<Integer> cpus, List<String> command) {
        if (cpus.isEmpty()) {
            return command;
        }
        List<String> pinned = new ArrayList<>(List.of(TASKSET.toString(), "--cpu-list", format(cpus)));
        pinned.addAll(command);
        return pinned;
    }

    /** {@code 0-2,5} → 0, 1, 2, 5. */
    static SortedSet<Integer> parse(String list) {
        SortedSet<Integer> cpus = new TreeSet<>();
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-", -1);
            try {
                int from = Integer.parseInt(range[0].trim());
                int to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
                if (range.length > 2 || from < 0 || to < from || to > MAX_CPU) {
                    throw new NumberFormatException(part);
                }
                for (int cpu = from; cpu <= to; cpu++) {
                    cpus.add(cpu);
                }
            } catch (NumberFormatException e) {
                throw new BadInputException("not a CPU list: '" + list + "' (e.g. 1, 2-3 or 1,3)");
            }
        }
        return cpus;
    }

    static String format(SortedSet<Integer> cpus) {
        return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** The CPUs the kernel lets this process run on ({@code Cpus_allowed_list} in /proc/self/status). */
    private static SortedSet<Integer> allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parse(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException e) {
            // not Linux, or no /proc: reported below
        }
        throw new BadInputException("--balancer-cpus needs Linux: /proc/self/status does not list the CPUs this process may use");
    }
}
