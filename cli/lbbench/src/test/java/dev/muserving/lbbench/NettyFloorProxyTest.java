package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The netty-floor target is a measuring stick only if it forwards like a proxy: real backends over loopback. */
class NettyFloorProxyTest {

    private final List<HttpServer> backends = new ArrayList<>();
    /** Each request a backend saw: "backend name, the proxy's port towards it". */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    /** Opened when backend b takes a request. */
    private volatile CountDownLatch bBusy;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stopBackends() {
        backends.forEach(b -> b.stop(0));
    }

    private InetSocketAddress backend(String name) throws IOException {
        return backend(name, path -> { });
    }

    /** A backend that answers with its name, the request line and the body, after {@code beforeAnswer} of the path. */
    private InetSocketAddress backend(String name, Consumer<String> beforeAnswer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(name + "," + exchange.getRemoteAddress().getPort());
            beforeAnswer.accept(exchange.getRequestURI().getPath());
            byte[] answer = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        backends.add(server);
        return server.getAddress();
    }

    private HttpResponse<String> post(NettyFloorProxy proxy, String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsGoRoundRobinWithTheirBodiesBothWays() throws Exception {
        try (NettyFloorProxy proxy = new NettyFloorProxy(List.of(backend("a"), backend("b")), 1)) {
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> response = post(proxy, "/f?i=" + i, "body " + i);
                assertThat(response.statusCode()).isEqualTo(200);
                answers.add(response.body());
            }
            assertThat(answers).containsExactly("a POST /f?i=0 body 0", "b POST /f?i=1 body 1", "a POST /f?i=2 body 2",
                    "b POST /f?i=3 body 3");
        }
    }

    @Test
    void connectionsToABackendAreKeptAndReused() throws Exception {
        try (NettyFloorProxy proxy = new NettyFloorProxy(List.of(backend("a")), 1)) {
            for (int i = 0; i < 5; i++) {
                assertThat(post(proxy, "/", "x").statusCode()).isEqualTo(200);
            }
            Set<String> connections = new HashSet<>(seen);
            assertThat(seen).hasSize(5);
            assertThat(connections).as("one connection to the backend for five requests in turn: %s", seen).hasSize(1);
        }
    }

    @Test
    void aBackendThatRefusesConnectionsGetsA502() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (NettyFloorProxy proxy = new NettyFloorProxy(List.of(new InetSocketAddress("127.0.0.1", closed)), 1)) {
            HttpResponse<String> response = post(proxy, "/", "x");
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).contains("refused");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheirOrder() throws Exception {
        // b would get the second request while a holds the first if the proxy did not wait for each answer
        bBusy = new CountDownLatch(1);
        AtomicBoolean overlapped = new AtomicBoolean();
        InetSocketAddress a = backend("a", path -> {
            if (path.equals("/first")) {
                overlapped.set(await(bBusy));
            }
        });
        InetSocketAddress b = backend("b", path -> bBusy.countDown());
        try (NettyFloorProxy proxy = new NettyFloorProxy(List.of(a, b), 1);
                Socket socket = new Socket("127.0.0.1", proxy.port())) {
            // a connection to each backend in the pool, so that nothing waits for a connect
            assertThat(post(proxy, "/warm", "").statusCode()).isEqualTo(200);
            assertThat(post(proxy, "/warm", "").statusCode()).isEqualTo(200);
            bBusy = new CountDownLatch(1);
            String request = "POST /%s HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n%s";
            socket.getOutputStream().write((String.format(request, "first", "p1") + String.format(request, "second", "p2")
                    + "GET /third HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(10_000);
            // the last request asks for the connection to close, so the proxy closes it after the third answer
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int first = answers.indexOf("a POST /first p1");
            int second = answers.indexOf("b POST /second p2");
            int third = answers.indexOf("a GET /third ");
            assertThat(first >= 0 && second > first && third > second).as(answers).isTrue();
            assertThat(overlapped.get()).as("the second request reached b before a answered the first").isFalse();
        }
    }

    /** Whether the latch opened within half a second: a bounded look for something that must not happen. */
    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
