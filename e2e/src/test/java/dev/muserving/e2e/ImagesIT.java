package dev.muserving.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.Programs;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The images as {@code ./mvnw -Pimages package} builds and pushes them, checked offline: no base
 * image can be pulled here, so a local registry (go-containerregistry's, {@code crane registry
 * serve}) holds a stand-in base for linux/amd64 and linux/arm64 (one marker file, no Java), and the
 * build pushes every image there. What is checked: each image is a two-platform index on that
 * base, runs as uid 65532, and holds its app; the emulated function's image, unpacked, starts from
 * its own entrypoint (with the JRE of this machine, which the real base brings) and answers. What
 * cannot be checked here: that the real base (gcr.io/distroless/java17-debian12:nonroot) runs them,
 * and the arm64 images on an arm64 machine.
 */
class ImagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Path ROOT = KubernetesControlPlane.repositoryRoot();
    private static final String TAG = "offline-check";
    private static final List<String> IMAGES = List.of("controller", "activator-lb", "queue-proxy", "emulated-function",
            "examples/echo", "examples/resize", "examples/webhook");
    private static final String MARKER = "etc/mu-stand-in-base";
    private static Path crane;
    private static Process registry;
    private static String host;
    private static Path work;

    @BeforeAll
    static void buildTheImages() throws Exception {
        Optional<Path> found = TestenvTool.find("crane", "MU_CRANE");
        Assumptions.assumeTrue(found.isPresent(), "no crane: deploy/testenv/testenv.sh build makes it (or set MU_CRANE)");
        crane = found.get();
        work = Files.createTempDirectory("mu-images");
        int port = MuOnTheCluster.freePort();
        host = "127.0.0.1:" + port;
        registry = new ProcessBuilder(crane.toString(), "registry", "serve", "--address", host).redirectErrorStream(true)
                .redirectOutput(work.resolve("registry.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

        // the stand-in base: one layer with a marker file, once per platform, under one index
        Path rootfs = Files.createDirectories(work.resolve("base/etc"));
        Files.writeString(rootfs.resolve("mu-stand-in-base"), "the real base is " + "gcr.io/distroless/java17-debian12:nonroot\n");
        Programs.run(List.of("tar", "-C", work.resolve("base").toString(), "-cf", work.resolve("base.tar").toString(), "etc"), 30);
        List<String> index = new ArrayList<>(List.of(crane.toString(), "index", "append", "--insecure", "--docker-empty-base", "-t", host + "/base:17"));
        for (String arch : List.of("amd64", "arm64")) {
            String ref = host + "/base:" + arch;
            crane("append", "-f", work.resolve("base.tar").toString(), "-t", ref);
            crane("mutate", ref, "--set-platform", "linux/" + arch, "-t", ref);
            index.addAll(List.of("-m", ref));
        }
        Programs.run(index, 60);
        // crane gives each entry an artifactType, which Jib's parser refuses: the same list without it
        ObjectNode list = (ObjectNode) JSON.readTree(crane("manifest", host + "/base:17"));
        list.withArray("manifests").forEach(entry -> ((ObjectNode) entry).remove("artifactType"));
        HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/base/manifests/17"))
                .header("Content-Type", list.path("mediaType").asText()).PUT(HttpRequest.BodyPublishers.ofString(list.toString())).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(put.statusCode()).as("the base's manifest list pushed").isEqualTo(201);

        Programs.run(List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-f", ROOT.resolve("pom.xml").toString(), "-Pimages", "package",
                "-DskipTests", "-pl", "operator,activator-lb/app,activator-lb/dataplane", "-am",
                "-Dmu.image.registry=" + host + "/muserving", "-Dmu.image.tag=" + TAG, "-Dmu.image.base=" + host + "/base:17",
                "-Djib.allowInsecureRegistries=true", "-Dquarkus.container-image.insecure=true"), 900);
    }

    @AfterAll
    static void stopTheRegistry() throws IOException {
        if (registry != null) {
            registry.destroy();
        }
        if (work != null) {
            Programs.run(List.of("rm", "-rf", work.toString()), 60);
        }
    }

    private static String crane(String... args) {
        List<String> command = new ArrayList<>(List.of(crane.toString()));
        command.addAll(List.of(args));
        command.add("--insecure");
        return Programs.run(command, 120);
    }

    private static String image(String name) {
        return host + "/muserving/" + name + ":" + TAG;
    }

    private static JsonNode config(String name) throws IOException {
        return JSON.readTree(crane("config", "--platform", "linux/amd64", image(name))).path("config");
    }

    /** The image's files for linux/amd64, flattened as a container sees them. */
    private static Set<String> files(String name) throws IOException {
        Path tar = work.resolve(name.replace('/', '_') + ".tar");
        crane("export", "--platform", "linux/amd64", image(name), tar.toString());
        return Programs.run(List.of("tar", "-tf", tar.toString()), 60).lines().map(l -> l.replaceFirst("^\\./", "").replaceFirst("^/", ""))
                .collect(Collectors.toSet());
    }

    @Test
    void everyImageIsAnIndexForAmd64AndArm64() throws IOException {
        for (String name : IMAGES) {
            JsonNode manifests = JSON.readTree(crane("manifest", image(name))).path("manifests");
            Set<String> platforms = StreamSupport.stream(manifests.spliterator(), false)
                    .map(m -> m.path("platform").path("os").asText() + "/" + m.path("platform").path("architecture").asText())
                    .collect(Collectors.toSet());
            assertThat(platforms).as(name).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
        }
    }

    @Test
    void everyImageRunsAsNonRootOnTheBaseAndHoldsItsApp() throws IOException {
        for (String name : IMAGES) {
            assertThat(config(name).path("User").asText()).as(name + " user").startsWith("65532");
            Set<String> files = files(name);
            assertThat(files).as(name + " base layer").contains(MARKER);
            if (name.equals("controller") || name.equals("activator-lb")) {
                assertThat(files).as(name).anyMatch(f -> f.endsWith("quarkus-run.jar")).anyMatch(f -> f.contains("/lib/main/"));
                assertThat(String.join(" ", texts(config(name).path("Entrypoint")))).as(name + " entrypoint").contains("quarkus-run.jar");
            } else {
                assertThat(files).as(name).anyMatch(f -> f.startsWith("app/classes/dev/muserving/dataplane/"))
                        .anyMatch(f -> f.startsWith("app/libs/vertx-core"));
            }
        }
        assertThat(config("examples/echo").path("Env").toString()).contains("MU_SERVICE_MS=2").contains("MU_FUNCTION_NAME=echo");
        // one queue-proxy JVM runs in every pod: its heap is bounded, not a quarter of the node's memory
        assertThat(texts(config("queue-proxy").path("Entrypoint"))).contains("-Xmx64m", "-XX:+UseSerialGC", "-XX:-UsePerfData");
    }

    @Test
    void theEchoExampleStartsFromItsOwnEntrypointAndAnswers() throws Exception {
        String name = "examples/echo";
        Path tar = work.resolve("echo-run.tar");
        crane("export", "--platform", "linux/amd64", image(name), tar.toString());
        Path rootfs = Files.createDirectories(work.resolve("echo-rootfs"));
        Programs.run(List.of("tar", "-C", rootfs.toString(), "-xf", tar.toString()), 60);
        JsonNode config = config(name);
        // the image's own command line, its paths moved under where it was unpacked; java is this machine's
        List<String> command = new ArrayList<>();
        for (String arg : texts(config.path("Entrypoint"))) {
            command.add(arg.replace("@/app/", "@" + rootfs + "/app/").replaceAll("^/app/", rootfs + "/app/"));
        }
        command.addAll(texts(config.path("Cmd")));
        assertThat(command.get(0)).isEqualTo("java");
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path argfile = rootfs.resolve("app/jib-classpath-file");
        if (Files.exists(argfile)) {
            Files.writeString(argfile, Files.readString(argfile).replace("/app/", rootfs + "/app/"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (String variable : texts(config.path("Env"))) {
            int equals = variable.indexOf('=');
            builder.environment().put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        builder.environment().put("PORT", "0");
        Process function = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(function.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).as("the function's first line names its port").isNotNull().containsPattern("\\d+");
            String port = first.replaceAll(".*?(\\d+)\\D*$", "$1");
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("hello from echo\n");
        } finally {
            function.destroyForcibly();
        }
    }

    /** What the README's install applies: examples/images.sh's output must name only images the build pushed. */
    @Test
    @SuppressWarnings("unchecked") // a Function's spec as the YAML gives it
    void theExamplesPointedAtTheRegistryByImagesShNameOnlyImagesTheBuildPushed() {
        String applied = Programs.run(List.of("bash", ROOT.resolve("examples/images.sh").toString(), host + "/muserving/", TAG), 30);
        List<GenericKubernetesResource> documents = Arrays.stream(applied.split("(?m)^---$"))
                .map(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class)).toList();
        assertThat(documents).extracting(GenericKubernetesResource::getKind).containsOnly("Namespace", "Function").contains("Function");
        Set<String> images = new TreeSet<>();
        for (GenericKubernetesResource function : documents.stream().filter(d -> d.getKind().equals("Function")).toList()) {
            Map<String, Object> spec = function.get("spec");
            Optional.ofNullable((String) spec.get("image")).ifPresent(images::add);
            Optional.ofNullable((Map<String, String>) spec.get("images")).ifPresent(byArch -> images.addAll(byArch.values()));
        }
        assertThat(images).as("every example's image, in the registry the build pushed to")
                .containsExactlyInAnyOrder(image("examples/echo"), image("examples/resize"), image("examples/webhook"));
        images.forEach(image -> assertThat(crane("digest", image)).as(image).startsWith("sha256:"));
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
