package dev.muserving.dataplane.function;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.dataplane.HeadLimits;
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
    void aRequestThatCarriesItsSizeTakesThatQuantileOfTheServiceTime(Vertx vertx) {
        EmulatedFunction fn = new EmulatedFunction("sized", 0, ServiceTime.logNormal(5, 800, 1), 0, Integer.MAX_VALUE);
        await(vertx.deployVerticle(fn));
        Http http = new Http(vertx);
        long start = System.nanoTime();
        Response slow = Http.await(http.get(fn.port(), "/", Map.of(EmulatedFunction.SERVICE_QUANTILE_HEADER, Double.toString(ServiceTime.Z99))));
        assertThat(slow.status()).isEqualTo(200);
        // A timer never fires early: the p99 quantile waits its 800 ms whatever the machine.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(790_000_000L);
    }

    @Test
    void aFunctionToldItsNodesArchitectureSaysItInEveryAnswerAndOneNotToldSaysNothing(Vertx vertx) {
        EmulatedFunction told = new EmulatedFunction("told", 0, ServiceTime.fixed(1), 0, 1, Arch.ARM64);
        EmulatedFunction notTold = new EmulatedFunction("quiet", 0, ServiceTime.fixed(1), 0, 1);
        await(vertx.deployVerticle(told));
        await(vertx.deployVerticle(notTold));
        Http http = new Http(vertx);
        assertThat(Http.await(http.get(told.port(), "/", Map.of())).header(EmulatedFunction.ARCH_HEADER)).isEqualTo("arm64");
        assertThat(Http.await(http.get(notTold.port(), "/", Map.of())).header(EmulatedFunction.ARCH_HEADER)).isNull();
    }

    /** Netty's default of 8 KiB of header fields refused a 9 KB cookie the activator-lb and the queue-proxy pass on. */
    @Test
    void itTakesTheHeadsTheQueueProxyPassesOn(Vertx vertx) {
        EmulatedFunction fn = new EmulatedFunction("cookies", 0, ServiceTime.fixed(1), 0, 1);
        await(vertx.deployVerticle(fn));
        Http http = new Http(vertx);
        assertThat(Http.await(http.get(fn.port(), "/", Map.of("Cookie", "c".repeat(HeadLimits.HEADER_BYTES - 1024)))).status())
                .isEqualTo(200);
    }

    @Test
    void aSizeThatIsNotAQuantileIsRefusedWithTheHeaderNamed(Vertx vertx) {
        EmulatedFunction fn = new EmulatedFunction("sized", 0, ServiceTime.logNormal(5, 800, 1), 0, 1);
        await(vertx.deployVerticle(fn));
        Http http = new Http(vertx);
        for (String bad : List.of("large", "NaN", "1e6", "-11")) {
            Response r = Http.await(http.get(fn.port(), "/", Map.of(EmulatedFunction.SERVICE_QUANTILE_HEADER, bad)));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.body()).contains(EmulatedFunction.SERVICE_QUANTILE_HEADER, "'" + bad + "'");
        }
        assertThat(Http.await(http.get(fn.port(), "/", Map.of(EmulatedFunction.SERVICE_QUANTILE_HEADER, " -2.5 "))).status()).isEqualTo(200);
    }

    @Test
    void withoutOneEveryRequestIsServedAtOnce(Vertx vertx) {
        List<Integer> atOnce = concurrency(vertx, new EmulatedFunction("many", 0, 200, 0), 4);
        assertThat(atOnce).contains(4);
    }
}
