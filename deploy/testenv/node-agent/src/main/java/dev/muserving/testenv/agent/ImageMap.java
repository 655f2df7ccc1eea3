package dev.muserving.testenv.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs for an image, since no image can be pulled here: the project's own images map to the
 * jars the build makes, others to any local program (deploy/testenv/images.yaml). An image matches
 * an entry by its repository (tag and digest left out), or by an entry ending in {@code *} as a prefix.
 * {@code ${MU_REPO}} and {@code ${JAVA}} in commands are the checkout and the running JVM's java.
 */
final class ImageMap {

    /**
     * @param entrypoint the image's ENTRYPOINT: what a container without {@code command} runs
     * @param args the image's CMD: arguments when the container gives neither {@code command} nor {@code args}
     * @param env set before the container's own env, as an image's ENV is
     * @param user the image's USER, when the pod does not say
     */
    record Image(List<String> entrypoint, List<String> args, Map<String, String> env, long user) {}

    private static final long DEFAULT_USER = 65532;
    private final Map<String, Image> byRepository;

    private ImageMap(Map<String, Image> byRepository) {
        this.byRepository = byRepository;
    }

    static ImageMap load(Path file, Path repository) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        JsonNode images = root == null ? null : root.get("images");
        if (images == null || !images.isObject()) {
            throw new IOException(file + ": needs a mapping 'images' of image -> {command, args, env, user}");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, Image> byRepository = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = images.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode spec = entry.getValue();
            List<String> command = strings(spec.get("command"), java, repository);
            if (command.isEmpty()) {
                throw new IOException(file + ": images." + entry.getKey() + ".command must name a program");
            }
            Map<String, String> env = new LinkedHashMap<>();
            if (spec.has("env")) {
                spec.get("env").fields().forEachRemaining(e -> env.put(e.getKey(), expand(e.getValue().asText(), java, repository)));
            }
            byRepository.put(entry.getKey(), new Image(command, strings(spec.get("args"), java, repository), env,
                    spec.path("user").asLong(DEFAULT_USER)));
        }
        return new ImageMap(byRepository);
    }

    Optional<Image> resolve(String image) {
        String repository = repository(image);
        Image exact = byRepository.get(repository);
        if (exact != null) {
            return Optional.of(exact);
        }
        return byRepository.entrySet().stream()
                .filter(e -> e.getKey().endsWith("*") && repository.startsWith(e.getKey().substring(0, e.getKey().length() - 1)))
                .map(Map.Entry::getValue).findFirst();
    }

    /** {@code ghcr.io/muserving/queue-proxy:0.1.0} → {@code ghcr.io/muserving/queue-proxy}. */
    static String repository(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    private static List<String> strings(JsonNode list, String java, Path repository) {
        List<String> values = new ArrayList<>();
        if (list != null) {
            list.forEach(item -> values.add(expand(item.asText(), java, repository)));
        }
        return values;
    }

    private static String expand(String value, String java, Path repository) {
        return value.replace("${MU_REPO}", repository.toString()).replace("${JAVA}", java);
    }
}
