package dev.muserving.emulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.bench.sim.Seeds;
import dev.muserving.dataplane.function.EmulatedFunction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplayTest {

    private static final String SCENARIO = """
            name: sizes
            durationSeconds: 60
            seed: 11
            cluster:
              podStartupSeconds: {median: 1, p99: 2}
              nodes: [{count: 1, arch: amd64, cpu: 4, memoryMiB: 8192}]
            functions:
              - name: echo
                arrival: {type: poisson, rps: 40}
                serviceTimeMs: {amd64: {median: 10, p99: 40}}
                cpu: 250m
                memoryMiB: 128
                sloP99Ms: 500
            """;

    private final List<Double> quantilesReceived = Collections.synchronizedList(new ArrayList<>());
    private HttpServer function;

    @BeforeEach
    void start() throws IOException {
        function = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        function.createContext("/", exchange -> {
            quantilesReceived.add(Double.parseDouble(exchange.getRequestHeaders().getFirst(EmulatedFunction.SERVICE_QUANTILE_HEADER)));
            exchange.getResponseHeaders().add(EmulatedFunction.ARCH_HEADER, "arm64");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        function.start();
    }

    @AfterEach
    void stop() {
        function.stop(0);
    }

    @Test
    void everyRequestCarriesTheSizeTheSimulatorDrawsForItAndIsCountedOnTheArchitectureItRanOn() {
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, w -> { }).parse("sizes.yaml", SCENARIO);
        FunctionKey echo = FunctionKey.parse("default/echo");
        ReplayTarget target = new ReplayTarget() {
            @Override
            public URI endpoint(FunctionKey f) {
                return URI.create("http://127.0.0.1:" + function.getAddress().getPort() + "/");
            }

            @Override
            public Map<FunctionKey, Pods> pods() {
                return Map.of(echo, new Pods(Map.of(Arch.AMD64, 1), 0, 1));
            }

            @Override
            public long podsStarted(FunctionKey f) {
                return 0;
            }
        };

        RunResult run = new Replay(scenario, "fixed", 2, line -> { }).run(target, List.of(echo));

        long requests = run.functions().get(0).stats().requests();
        assertThat(requests).isBetween(40L, 130L);
        SplittableRandom sizes = Seeds.sizes(scenario.seed(), 0);
        List<Double> expected = new ArrayList<>();
        for (long i = 0; i < requests; i++) {
            expected.add(sizes.nextGaussian());
        }
        // the client sends on several threads, so they may arrive in another order
        assertThat(quantilesReceived).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(run.functions().get(0).stats().served(Arch.ARM64)).isEqualTo(requests);
        assertThat(run.functions().get(0).stats().served(Arch.AMD64)).isZero();
    }
}
