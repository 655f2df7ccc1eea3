package dev.muserving.dataplane.function;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.dataplane.testing.Http;
import dev.muserving.dataplane.testing.Http.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EmulatedFunctionTest {

    private static List<Integer> concurrency(Vertx vertx, EmulatedFunction fn, int requests) {
        await(vertx.deployVerticle(fn));
        Http http = new Http(vertx);
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            responses.add(http.send(HttpMethod.POST, fn.port(), "/", Map.of(), Buffer.buffer("body " + i)));
        }
        List<Integer> atOnce = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Response r = Http.await(responses.get(i));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("body " + i);
            atOnce.add(Integer.parseInt(r.header(EmulatedFunction.CONCURRENT_HEADER)));
        }
        return atOnce;
    }

    @Test
    void withAParallelismTheOthersWaitTheirTurnAndAreServedInFull(Vertx vertx) {
        List<Integer> atOnce = concurrency(vertx, new EmulatedFunction("one", 0, ServiceTime.fixed(30), 0, 1), 4);
        assertThat(atOnce).containsOnly(1);
    }

    @Test
    void withoutOneEveryRequestIsServedAtOnce(Vertx vertx) {
        List<Integer> atOnce = concurrency(vertx, new EmulatedFunction("many", 0, 200, 0), 4);
        assertThat(atOnce).contains(4);
    }
}
