package dev.muserving.lbbench;

import dev.muserving.dataplane.ChildProcess;
import dev.muserving.dataplane.function.EmulatedFunctionMain;
import dev.muserving.dataplane.queueproxy.QueueProxyMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pods every target sends to: N function processes, each behind its own queue-proxy process.
 * All targets share them, so what differs between targets is the hop in front.
 */
final class Backends implements AutoCloseable {

    private final List<ChildProcess> processes = new ArrayList<>();
    private final List<Integer> queueProxyPorts = new ArrayList<>();

    static Backends start(LbBenchOptions options, Path dir) throws IOException {
        Backends backends = new Backends();
        try {
            for (int i = 0; i < options.backends(); i++) {
                ChildProcess function = ChildProcess.start("function-" + i, javaOnLoadCpus(EmulatedFunctionMain.class, options),
                        Map.of("PORT", "0", "MU_FUNCTION_NAME", "bench",
                                "MU_SERVICE_MS", Double.toString(options.serviceMillis()), "MU_CPU_MS", Double.toString(options.cpuMillis())),
                        dir.resolve("function-" + i + ".log"), Duration.ofSeconds(60));
                backends.processes.add(function);
                ChildProcess queueProxy = ChildProcess.start("queue-proxy-" + i, javaOnLoadCpus(QueueProxyMain.class, options),
                        Map.of("MU_PORT", "0", "MU_ADMIN_PORT", "0", "MU_BIND_ADDRESS", "127.0.0.1",
                                "MU_USER_PORT", Integer.toString(function.port(0)),
                                "MU_CONTAINER_CONCURRENCY", Integer.toString(options.containerConcurrency()),
                                "MU_POD_NAME", "bench-" + i),
                        dir.resolve("queue-proxy-" + i + ".log"), Duration.ofSeconds(60));
                backends.processes.add(queueProxy);
                backends.queueProxyPorts.add(queueProxy.port(0));
            }
            return backends;
        } catch (IOException | RuntimeException e) {
            backends.close();
            throw e;
        }
    }

    private static List<String> javaOnLoadCpus(Class<?> main, LbBenchOptions options) {
        return options.pinning().load(ChildProcess.javaCommand(main.getName(), LbBench.BENCH_JVM));
    }

    List<Integer> ports() {
        return List.copyOf(queueProxyPorts);
    }

    /** The pods as the activator's endpoints file lists them. */
    Path writeEndpoints(Path file, int containerConcurrency) throws IOException {
        StringBuilder yaml = new StringBuilder("functions:\n  - namespace: bench\n    name: echo\n");
        yaml.append(String.format(Locale.ROOT, "    containerConcurrency: %d%n    endpoints:%n", containerConcurrency));
        for (int i = 0; i < queueProxyPorts.size(); i++) {
            yaml.append(String.format(Locale.ROOT, "      - {pod: bench-%d, address: \"127.0.0.1:%d\", arch: amd64}%n", i, queueProxyPorts.get(i)));
        }
        return Files.writeString(file, yaml);
    }

    @Override
    public void close() {
        processes.forEach(ChildProcess::kill);
    }
}
