package dev.muserving.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/**
 * Invalid Functions, each with what the refusal must name: kube-apiserver refuses every one
 * ({@code FunctionValidationTest}) and so does {@code mu local} ({@code FunctionFilesTest}), so the
 * two can never drift apart. Every case comes twice, with {@code resources} and without it (the CRD
 * defaults it, and no rule may wait behind another field's error).
 */
public final class InvalidFunctions {

    /**
     * @param spec the lines under {@code spec:}, indented by two
     * @param names what the refusal must contain: the field, or the rule's message
     */
    public record Case(String name, String spec, String names) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static final String RESOURCES = "  resources: {cpu: 250m, memory: 128Mi}\n";
    private static final String IMAGE = "  image: registry.example/echo:1\n";

    private InvalidFunctions() {}

    public static List<Case> cases() {
        String resources = RESOURCES;
        String image = IMAGE;
        List<Case> cases = new ArrayList<>(List.of(
                new Case("no-image", resources + "  containerConcurrency: 2\n", "spec.image (a multi-arch image) or spec.images"),
                new Case("image-per-arch-missing", resources + "  images: {amd64: r/e:1}\n",
                        "spec.images must name an image for every architecture"),
                new Case("unknown-image-arch", resources + "  images: {amd64: r/e:1, arm64: r/e:1, riscv64: r/e:1}\n",
                        "spec.images keys must be amd64 or arm64"),
                new Case("unknown-arch", image + resources + "  architectures: [sparc]\n", "spec.architectures may hold amd64 and arm64 only"),
                new Case("arch-twice", image + resources + "  architectures: [amd64, amd64]\n",
                        "spec.architectures must not name an architecture twice"),
                new Case("no-arch", image + resources + "  architectures: []\n", "spec.architectures"),
                new Case("port-too-high", image + resources + "  port: 70000\n", "spec.port"),
                new Case("negative-concurrency", image + resources + "  containerConcurrency: -1\n", "spec.containerConcurrency"),
                new Case("bad-cpu", image + "  resources: {cpu: lots, memory: 128Mi}\n", "spec.resources.cpu"),
                new Case("min-above-max", image + resources + "  scale: {min: 5, max: 2, initial: 5}\n",
                        "spec.scale.min must not be above spec.scale.max"),
                new Case("initial-above-max", image + resources + "  scale: {max: 3, initial: 10}\n",
                        "spec.scale.initial must not be above spec.scale.max"),
                new Case("bad-timeout", image + resources + "  timeout: 30 seconds\n", "spec.timeout"),
                new Case("timeout-too-long", image + resources + "  timeout: 1000000ms\n", "spec.timeout"),
                new Case("zero-timeout", image + resources + "  timeout: 0s\n", "spec.timeout"),
                new Case("timeout-over-a-day", image + resources + "  timeout: 25h\n", "spec.timeout must be at most 24h"),
                new Case("queue-proxy-port", image + resources + "  port: 8012\n", "spec.port must not be 8012 or 8022"),
                new Case("queue-proxy-admin-port", image + resources + "  port: 8022\n", "spec.port must not be 8012 or 8022"),
                new Case("env-port", image + resources + "  env: [{name: PORT, value: '9999'}]\n", "spec.env must not set PORT"),
                new Case("env-twice", image + resources + "  env: [{name: A, value: '1'}, {name: A, value: '2'}]\n",
                        "spec.env must not name a variable twice"),
                new Case("zero-slo", image + resources + "  slo: {p99: 0ms}\n", "spec.slo.p99"),
                new Case("zero-weight", image + resources + "  weight: 0\n", "spec.weight must be above 0"),
                new Case("bad-env-name", image + resources + "  env: [{name: 1BAD, value: x}]\n", "spec.env[0].name"),
                new Case("bad-slo", image + resources + "  slo: {p99: fast}\n", "spec.slo.p99"),
                new Case("empty-local-command", image + resources + "  local: {command: []}\n", "spec.local.command"),
                // found by an outside probe: mu local took both, and the first stopped it with a NullPointerException
                new Case("null-in-local-command", image + resources + "  local: {command: [sleep, null]}\n", "spec.local.command[1]"),
                new Case("image-per-arch-null", resources + "  images: {amd64: r/e:1, arm64: null}\n",
                        "spec.images must name an image for every architecture"),
                new Case("unknown-field", image + resources + "  containerConcurency: 4\n", "containerConcurency")));
        List<Case> withoutResources = cases.stream()
                .filter(c -> c.spec().contains(resources))
                .map(c -> new Case(c.name() + "-no-resources", c.spec().replace(resources, ""), c.names()))
                .toList();
        cases.addAll(withoutResources);
        return cases;
    }

    /** A Function document in {@code namespace} with this name and spec. */
    public static String yaml(String namespace, String name, String spec) {
        return "apiVersion: muserving.dev/v1alpha1\nkind: Function\nmetadata: {name: " + name + ", namespace: " + namespace
                + "}\nspec:\n" + spec;
    }
}
