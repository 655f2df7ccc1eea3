package dev.muserving.activator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    @Inject
    AutoscalerFeed feed;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void snapshotsReachTheAutoscalerOverTheMetricsChannelAndItsDecisionIsExported() throws Exception {
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = get(activator.port(), "/fn/demo/echo/");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("mu-"));
        }
        // Snapshots only reach the loop through the channel's @Incoming consumer.
        await().until(() -> feed.loop().snapshotsRecorded() >= 2 && feed.loop().lastDecision("demo/echo").isPresent());
        assertThat(feed.loop().lastDecision("demo/echo").orElseThrow().reason()).isNotBlank();

        String metrics = get(activator.adminPort(), "/metrics").body();
        assertThat(metrics)
                .contains("mu_requests_total{code=\"200\",function=\"echo\",namespace=\"demo\"} 50.0")
                .contains("mu_autoscaler_desired_replicas{function=\"echo\",namespace=\"demo\"}")
                .contains("mu_pod_service_rate{arch=\"amd64\",function=\"echo\",namespace=\"demo\",pod=\"echo-0\"}");
        assertThat(get(activator.adminPort(), "/ready").statusCode()).isEqualTo(200);
    }
}
