package dev.muserving.activator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.dataplane.activator.Endpoint;
import dev.muserving.dataplane.activator.FunctionRoute;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private final List<String> problems = new ArrayList<>();

    static Function function(String namespace, String name, String extra) {
        return Serialization.unmarshal("""
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata:
                  name: %s
                  namespace: %s
                %s
                spec:
                  image: registry.example/echo:1
                  containerConcurrency: 4
                  slo: {p99: 250ms}
                  timeout: 30s
                """.formatted(name, namespace, extra), Function.class);
    }

    private static Node node(String name, String arch) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(Map.of("kubernetes.io/arch", arch)).endMetadata().build();
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(String pod, String ip, String node, Boolean ready,
            Boolean terminating) {
        return new EndpointBuilder().withAddresses(ip).withNodeName(node).withNewTargetRef().withKind("Pod").withName(pod).endTargetRef()
                .withNewConditions().withReady(ready).withServing(ready).withTerminating(terminating).endConditions().build();
    }

    private static EndpointSlice slice(String namespace, String service, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withName(service + "-x1").withNamespace(namespace)
                .withLabels(Map.of(RouteTable.SERVICE_NAME_LABEL, service)).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withPort(8012).withProtocol("TCP").endPort()
                .withEndpoints(endpoints).build();
    }

    @Test
    void readyEndpointsBecomeThePodsOfTheirFunctionWithTheirNodesArchitecture() {
        List<FunctionRoute> routes = new RouteTable().routes(List.of(function("demo", "echo", "")),
                List.of(slice("demo", "echo",
                        endpoint("echo-amd64-a", "10.244.0.5", "n-amd", true, false),
                        endpoint("echo-arm64-b", "10.244.0.6", "n-arm", true, false),
                        endpoint("echo-amd64-old", "10.244.0.7", "n-amd", false, true),
                        endpoint("echo-amd64-new", "10.244.0.8", "n-amd", false, false)),
                        slice("other", "echo", endpoint("elsewhere", "10.244.0.9", "n-amd", true, false))),
                List.of(node("n-amd", "amd64"), node("n-arm", "arm64")), problems::add);

        assertThat(routes).hasSize(1);
        FunctionRoute echo = routes.get(0);
        assertThat(echo.key()).isEqualTo(new FunctionKey("demo", "echo"));
        assertThat(echo.endpoints()).containsExactly(new Endpoint("echo-amd64-a", "10.244.0.5", 8012, Arch.AMD64),
                new Endpoint("echo-arm64-b", "10.244.0.6", 8012, Arch.ARM64));
        assertThat(echo.spec().sloP99Ms()).isEqualTo(250.0);
        assertThat(echo.containerConcurrency()).isEqualTo(4);
        assertThat(echo.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(echo.routing()).isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void aFunctionAtZeroHasARouteWithoutPodsSoItsRequestsWait() {
        List<FunctionRoute> routes = new RouteTable().routes(List.of(function("demo", "cold", "")), List.of(), List.of(), problems::add);
        assertThat(routes).singleElement().satisfies(r -> assertThat(r.endpoints()).isEmpty());
    }

    @Test
    void theRoutingAnnotationReachesTheRoute() {
        Function knative = function("demo", "kn", "  annotations: {routing.muserving.dev/class: knative}");
        assertThat(new RouteTable().routes(List.of(knative), List.of(), List.of(), problems::add).get(0).routing()).isEqualTo(Optional.of("knative"));
    }

    @Test
    void aTypoInTheRoutingAnnotationKeepsTheLastValidRoutingPolicyAndTheRestOfTheFunctionInForce() {
        RouteTable table = new RouteTable();
        Function knative = function("demo", "echo", "  uid: u-1\n  annotations: {routing.muserving.dev/class: knative}");
        table.routes(List.of(knative), List.of(), List.of(), problems::add);
        Function typo = function("demo", "echo", "  uid: u-1\n  annotations: {routing.muserving.dev/class: knativ}");
        typo.getSpec().timeout = "45s"; // a change made while the typo stands applies

        for (int look = 0; look < 2; look++) { // the same words at every look: the caller tells each once
            List<FunctionRoute> routes = table.routes(List.of(typo), List.of(), List.of(), problems::add);
            assertThat(routes).singleElement().satisfies(r -> {
                assertThat(r.routing()).isEqualTo(Optional.of("knative"));
                assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(45));
            });
        }
        assertThat(problems).hasSize(2).containsOnly("demo/echo is served on the rest of its settings, with its last valid routing policy: "
                + "metadata.annotations[routing.muserving.dev/class]: unknown policy 'knativ'; one of knative, mu, linucb");

        // another problem than a policy: the last valid settings, all of them
        problems.clear();
        Function badTimeout = function("demo", "echo", "  uid: u-1");
        badTimeout.getSpec().timeout = "soon";
        assertThat(table.routes(List.of(badTimeout), List.of(), List.of(), problems::add)).singleElement().satisfies(r -> {
            assertThat(r.routing()).isEqualTo(Optional.of("knative"));
            assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(30));
        });
        assertThat(problems).singleElement().asString().startsWith("demo/echo keeps its last valid settings: spec.timeout");
    }

    /** Found by an outside probe: every replica started after the typo turned the function away while the old ones served it. */
    @Test
    void aReplicaThatNeverSawItValidServesAFunctionWithAnUnknownPolicyOnTheRestAndItsOwnPolicy() {
        Function typo = function("demo", "echo", "  uid: u-1\n  annotations: {routing.muserving.dev/class: knativ, autoscaling.muserving.dev/class: knative}");
        List<Node> nodes = List.of(node("n-amd", "amd64"));

        List<FunctionRoute> routes = new RouteTable().routes(List.of(typo), List.of(slice("demo", "echo",
                endpoint("echo-amd64-a", "10.244.0.5", "n-amd", true, false))), nodes, problems::add);
        assertThat(routes).singleElement().satisfies(r -> {
            assertThat(r.notServed()).isEmpty();
            assertThat(r.routing()).isEmpty();
            assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(r.containerConcurrency()).isEqualTo(4);
            assertThat(r.endpoints()).extracting(Endpoint::pod).containsExactly("echo-amd64-a");
        });
        assertThat(problems).singleElement().asString()
                .startsWith("demo/echo is served on the rest of its settings, with this activator's own routing policy: ")
                .contains("unknown policy 'knativ'");

        // a new one made with a typo is served all the same: the operator makes its pods with the default policy
        problems.clear();
        Function fresh = function("demo", "new", "  annotations: {autoscaling.muserving.dev/class: fastest}");
        assertThat(new RouteTable().routes(List.of(fresh), List.of(), nodes, problems::add)).singleElement()
                .satisfies(r -> assertThat(r.notServed()).isEmpty());
        assertThat(problems).singleElement().asString().startsWith("demo/new is served on the rest of its settings, with its routing policy: "
                + "metadata.annotations[autoscaling.muserving.dev/class]: unknown policy 'fastest'");
        // a problem other than a policy leaves nothing to route on
        Function badTimeout = function("demo", "echo", "  uid: u-1");
        badTimeout.getSpec().timeout = "soon";
        assertThat(new RouteTable().routes(List.of(badTimeout), List.of(slice("demo", "echo")), nodes, problems::add)).singleElement()
                .satisfies(r -> assertThat(r.notServed()).isPresent());
    }

    @Test
    void anInvalidFunctionIsNotServedAndAnEndpointOnAnUnknownNodeIsLeftOutAndEachIsSaidWhy() {
        Function bad = function("demo", "bad", "");
        bad.getSpec().containerConcurrency = -1;
        List<FunctionRoute> routes = new RouteTable().routes(List.of(bad, function("demo", "echo", "")),
                List.of(slice("demo", "echo", endpoint("echo-x", "10.244.0.5", "gone", true, false))), List.of(), problems::add);

        assertThat(routes).extracting(FunctionRoute::key).containsExactly(new FunctionKey("demo", "bad"), new FunctionKey("demo", "echo"));
        assertThat(routes.get(0).notServed()).hasValueSatisfying(why -> assertThat(why)
                .isEqualTo("its spec is not valid (spec.containerConcurrency: must be between 0 and 1000, got -1); kubectl describe fn says more"));
        assertThat(routes.get(1).notServed()).isEmpty();
        assertThat(routes.get(1).endpoints()).isEmpty();
        assertThat(problems).containsExactly(
                "demo/bad is not served: spec.containerConcurrency: must be between 0 and 1000, got -1",
                "demo/echo: pod echo-x is on node gone, whose architecture is not known; it gets no requests until it is");
    }
}
