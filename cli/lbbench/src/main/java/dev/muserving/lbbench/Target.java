package dev.muserving.lbbench;

import dev.muserving.api.QueueProxyContract;
import dev.muserving.dataplane.ChildProcess;
import dev.muserving.dataplane.activator.ActivatorMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** What wrk sends to: one backend directly, or a load balancer in front of all of them. */
final class Target implements AutoCloseable {

    static final String PATH = "/fn/bench/echo/";

    private final String name;
    private final int port;
    private final ChildProcess process;
    /** Where the balancer serves its Prometheus metrics, the JVM's among them; 0 for targets that have none. */
    private final int adminPort;

    private Target(String name, int port, ChildProcess process) {
        this(name, port, process, 0);
    }

    private Target(String name, int port, ChildProcess process, int adminPort) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.adminPort = adminPort;
    }

    String name() {
        return name;
    }

    String url() {
        return "http://127.0.0.1:" + port + PATH;
    }

    /**
     * The CPU time the balancer's processes have used so far, nginx's workers included; empty for
     * direct, which has no balancer. Read from the kernel's accounting in 10 ms ticks, so it is
     * meant for differences over rounds of many seconds.
     */
    Optional<Duration> cpuTime() {
        if (process == null) {
            return Optional.empty();
        }
        Optional<ProcessHandle> root = ProcessHandle.of(process.pid());
        if (root.isEmpty()) {
            return Optional.empty();
        }
        return Stream.concat(root.stream(), root.get().descendants())
                .map(p -> p.info().totalCpuDuration())
                .reduce(Optional.of(Duration.ZERO), (sum, cpu) -> sum.flatMap(s -> cpu.map(s::plus)));
    }

    /** The balancer's JVM as its metrics endpoint reports it now; empty for a target without one (all but the activator-lb). */
    Optional<JvmReading> jvm() {
        if (adminPort == 0) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + adminPort + QueueProxyContract.METRICS_PATH)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return metrics.statusCode() == 200 ? JvmReading.parse(metrics.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // a figure left out, not a run lost
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The first backend's queue-proxy, with nothing in front: the baseline for added latency. */
    static Target direct(Backends backends) {
        return new Target("direct", backends.ports().get(0), null);
    }

    /** The Mu activator-lb in its own process, with the given routing policy. */
    static Target activator(String routing, Backends backends, LbBenchOptions options, Path dir) throws IOException {
        Path endpoints = backends.writeEndpoints(dir.resolve("endpoints.yaml"), options.containerConcurrency());
        int adminPort = freePort();
        ChildProcess process = ChildProcess.start("activator-" + routing, javaOnBalancerCpus(ActivatorMain.class, options), Map.of(
                "MU_PORT", "0", "MU_ADMIN_PORT", Integer.toString(adminPort), "MU_BIND_ADDRESS", "127.0.0.1", "MU_ROUTING", routing,
                "MU_BALANCERS", Integer.toString(options.balancers()), "MU_ENDPOINTS_FILE", endpoints.toString()),
                dir.resolve("activator-" + routing + ".log"), Duration.ofSeconds(60));
        Target target = ready(new Target(routing.equals("mu") ? "mu" : "mu-" + routing, listeningPort(process), process, adminPort));
        if (options.profile()) {
            startRecording(process, dir.resolve("activator-" + routing + ".jfr"));
        }
        return target;
    }

    /**
     * JFR from now until the process exits, started with jcmd once the process listens: started by a
     * JVM option, JFR would print a line of its own before the one that says where the process listens.
     */
    private static void startRecording(ChildProcess process, Path recording) throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path log = recording.resolveSibling(recording.getFileName() + ".jcmd.log");
        ProcessBuilder builder = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "JFR.start", "settings=profile",
                "dumponexit=true", "filename=" + recording).redirectErrorStream(true).redirectOutput(log.toFile());
        if (Tools.run(builder, 60, "jcmd JFR.start", log) != 0) {
            throw new IOException("jcmd JFR.start failed: " + Files.readString(log).trim());
        }
    }

    /** A bare proxy on Netty, with none of Mu's features: what a request costs a JVM proxy at least. */
    static Target nettyFloor(Backends backends, LbBenchOptions options, Path dir) throws IOException {
        String addresses = String.join(",", backends.ports().stream().map(p -> "127.0.0.1:" + p).toList());
        ChildProcess process = ChildProcess.start("netty-floor", javaOnBalancerCpus(NettyFloorProxy.class, options),
                Map.of("MU_BALANCERS", Integer.toString(options.balancers()), "MU_BACKENDS", addresses),
                dir.resolve("netty-floor.log"), Duration.ofSeconds(60));
        return ready(new Target("netty-floor", listeningPort(process), process));
    }

    private static List<String> javaOnBalancerCpus(Class<?> main, LbBenchOptions options) {
        return options.pinning().balancer(ChildProcess.javaCommand(main.getName(), LbBench.BALANCER_JVM));
    }

    private static int listeningPort(ChildProcess process) {
        try {
            return process.port(0);
        } catch (IllegalStateException e) {
            process.kill(); // started, but it did not say where it listens: nobody else will stop it
            throw e;
        }
    }

    /**
     * nginx with a round-robin upstream and keep-alive connections to the backends; a worker per
     * core, or per CPU of its own when pinned (nginx 1.22's {@code auto} counts every online CPU).
     */
    static Target nginx(Path binary, Backends backends, LbBenchOptions options, Path dir) throws IOException {
        int port = freePort();
        Path home = Files.createDirectories(dir.resolve("nginx"));
        StringBuilder upstream = new StringBuilder();
        backends.ports().forEach(p -> upstream.append("    server 127.0.0.1:").append(p).append(";\n"));
        String conf = String.format(Locale.ROOT, """
                worker_processes %4$s;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 8192; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  upstream functions {
                %2$s    keepalive 256;
                  }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://functions;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                    }
                  }
                }
                """, home, upstream, port, options.pinning().pinned() ? Integer.toString(options.pinning().balancers().size()) : "auto");
        Path file = Files.writeString(home.resolve("nginx.conf"), conf);
        ChildProcess process = ChildProcess.launch("nginx", options.pinning().balancer(List.of(binary.toString(), "-p", home.toString(),
                "-c", file.toString(), "-e", home.resolve("error.log").toString())), Map.of(), dir.resolve("nginx.log"));
        return ready(new Target("nginx", port, process));
    }

    /**
     * HAProxy balancing by least connections, reusing connections to the backends; a thread per CPU
     * it may run on (HAProxy 2.6's default, which counts the CPUs it is pinned to).
     */
    static Target haproxy(Path binary, Backends backends, LbBenchOptions options, Path dir) throws IOException {
        int port = freePort();
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < backends.ports().size(); i++) {
            servers.append(String.format(Locale.ROOT, "  server f%d 127.0.0.1:%d%n", i, backends.ports().get(i)));
        }
        String conf = String.format(Locale.ROOT, """
                global
                  maxconn 4096
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                  option http-keep-alive
                frontend bench
                  bind 127.0.0.1:%d
                  default_backend functions
                backend functions
                  balance leastconn
                  http-reuse always
                %s""", port, servers);
        Path file = Files.writeString(dir.resolve("haproxy.cfg"), conf);
        ChildProcess process = ChildProcess.launch("haproxy", options.pinning().balancer(List.of(binary.toString(), "-db", "-f",
                file.toString())), Map.of(), dir.resolve("haproxy.log"));
        return ready(new Target("haproxy", port, process));
    }

    /** Waits until the target answers a request through to a backend; stops it when it never does, or the wait is interrupted. */
    private static Target ready(Target target) throws IOException {
        try {
            return answering(target);
        } catch (IOException | RuntimeException e) {
            target.close(); // not yet among the targets the caller stops
            throw e;
        }
    }

    private static Target answering(Target target) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (target.process != null && !target.process.isAlive()) {
                throw new IOException(target.name + " exited at start; see its log in the output directory");
            }
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(target.url())).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return target;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + target.name, e);
            }
            try {
                Thread.sleep(100); // polling an outside process that has no readiness signal
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + target.name, e);
            }
        }
        throw new IOException(target.name + " did not answer within 30 s (" + last + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.stop(Duration.ofSeconds(5));
        }
    }
}
