package dev.muserving.activator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.dataplane.stream.MetricFrames;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(OnePodResource.class)
class ActivatorAppTest {

    @Inject
    ActivatorService activator;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long arrivalsStreamed() {
        return OnePodResource.RECEIVED.stream().filter(f -> f instanceof MetricFrames.Snapshot)
                .mapToLong(f -> ((MetricFrames.Snapshot) f).snapshot().arrivals()).sum();
    }

    private static long latenciesStreamed() {
        return OnePodResource.RECEIVED.stream().filter(f -> f instanceof MetricFrames.Snapshot)
                .mapToLong(f -> ((MetricFrames.Snapshot) f).snapshot().latency().count()).sum();
    }

    @Test
    void everyRequestAndItsLatencyAreCountedInTheSnapshotsStreamedToTheController() throws Exception {
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = get(activator.port(), "/fn/demo/echo/");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("mu-"));
        }
        await().until(() -> arrivalsStreamed() == 50 && latenciesStreamed() == 50);
        assertThat(OnePodResource.RECEIVED.get(0)).isEqualTo(new MetricFrames.Hello("lb-test", MetricFrames.VERSION));
        assertThat(OnePodResource.RECEIVED).allMatch(f -> !(f instanceof MetricFrames.Snapshot s) || s.snapshot().function().equals("demo/echo"));

        String metrics = get(activator.adminPort(), "/metrics").body();
        assertThat(metrics)
                .contains("mu_requests_total{code=\"200\",function=\"echo\",namespace=\"demo\"} 50.0")
                .contains("mu_metric_stream_connected 1.0")
                .contains("mu_pod_service_rate{arch=\"amd64\",function=\"echo\",namespace=\"demo\",pod=\"echo-0\"}");
        assertThat(get(activator.adminPort(), "/ready").statusCode()).isEqualTo(200);
    }
}
