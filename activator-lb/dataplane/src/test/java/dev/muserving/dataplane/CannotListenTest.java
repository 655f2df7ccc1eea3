package dev.muserving.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.dataplane.activator.ActivatorMain;
import dev.muserving.dataplane.queueproxy.QueueProxyMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data plane's mains, started as processes, on a port that is taken or an address that is none. */
class CannotListenTest {

    @TempDir
    Path dir;

    private record Ended(int code, String stderr) {}

    private Ended run(Class<?> main, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), main.getName())).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            // found by an outside probe: the activator-lb printed the exception and ran on, listening nowhere
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(main.getSimpleName() + " ends").isTrue();
            return new Ended(process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theActivatorLbOnATakenPortOrNoAddressStopsNamingTheSetting() throws Exception {
        Path endpoints = Files.writeString(dir.resolve("endpoints.yaml"), "functions: []\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Ended ended = run(ActivatorMain.class, Map.of("MU_ENDPOINTS_FILE", endpoints.toString(), "MU_BIND_ADDRESS", "127.0.0.1",
                    "MU_PORT", Integer.toString(taken.getLocalPort()), "MU_ADMIN_PORT", "0"));
            assertThat(ended.code()).isEqualTo(2);
            assertThat(ended.stderr()).contains("mu activator-lb: cannot listen: MU_PORT " + taken.getLocalPort() + ": already in use");

            ended = run(ActivatorMain.class, Map.of("MU_ENDPOINTS_FILE", endpoints.toString(), "MU_BIND_ADDRESS", "127.0.0.1",
                    "MU_PORT", "0", "MU_ADMIN_PORT", Integer.toString(taken.getLocalPort())));
            assertThat(ended.code()).isEqualTo(2);
            assertThat(ended.stderr()).contains("MU_ADMIN_PORT " + taken.getLocalPort() + ": already in use");
        }
        Ended ended = run(ActivatorMain.class, Map.of("MU_ENDPOINTS_FILE", endpoints.toString(), "MU_BIND_ADDRESS", "no_such_host",
                "MU_PORT", "0", "MU_ADMIN_PORT", "0"));
        assertThat(ended.code()).isEqualTo(2);
        assertThat(ended.stderr()).contains("MU_BIND_ADDRESS no_such_host: not an address");
    }

    @Test
    void theQueueProxyOnATakenPortStopsNamingTheSettings() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Ended ended = run(QueueProxyMain.class, Map.of("MU_BIND_ADDRESS", "127.0.0.1", "MU_PORT", Integer.toString(taken.getLocalPort()),
                    "MU_ADMIN_PORT", "0"));
            assertThat(ended.code()).isEqualTo(2);
            assertThat(ended.stderr()).contains("mu queue-proxy: cannot listen: MU_PORT " + taken.getLocalPort() + " or MU_ADMIN_PORT 0: already in use");
        }
    }
}
