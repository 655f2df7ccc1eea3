package dev.muserving.clusterbench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.muserving.api.BadInputException;
import dev.muserving.dataplane.activator.Activator;
import dev.muserving.dataplane.activator.ActivatorConfig;
import dev.muserving.dataplane.activator.DemandSignal;
import dev.muserving.dataplane.activator.MetricSink;
import dev.muserving.dataplane.activator.StaticEndpointSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressCheckTest {

    @Test
    void theActivatorLbIsTakenForAnIngress() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Activator activator = Activator.start(vertx, ActivatorConfig.defaults().withPort(0),
                    new StaticEndpointSource(List.of()), MetricSink.NONE, DemandSignal.NONE, new SimpleMeterRegistry(), Clock.systemUTC())
                    .toCompletionStage().toCompletableFuture().get();
            assertThatCode(() -> IngressCheck.requireActivator(URI.create("http://127.0.0.1:" + activator.port())))
                    .doesNotThrowAnyException();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** Found by an outside probe: any server that answered was taken for Mu's ingress. */
    @Test
    void aServerThatAnswersEverythingWith200IsRefusedSayingWhatItAnswered() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] body = "<html>welcome to nginx</html>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        try {
            URI ingress = URI.create("http://127.0.0.1:" + other.getAddress().getPort());
            assertThatThrownBy(() -> IngressCheck.requireActivator(ingress)).isInstanceOf(BadInputException.class)
                    .hasMessageContaining("is not Mu's activator-lb").hasMessageContaining("answered 200 '<html>welcome to nginx</html>'")
                    .hasMessageContaining("--ingress");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void nothingListeningIsSaidAsSuch() {
        assertThatThrownBy(() -> IngressCheck.requireActivator(URI.create("http://127.0.0.1:1"))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("does not answer");
    }
}
