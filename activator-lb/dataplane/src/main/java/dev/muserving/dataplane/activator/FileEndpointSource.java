package dev.muserving.dataplane.activator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.dataplane.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Functions and pods from a YAML file, re-read when it changes (docs/dataplane.md shows the format).
 * A file that does not parse is reported with the field at fault and the last good state stays.
 */
public final class FileEndpointSource implements EndpointSource {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FUNCTION_FIELDS = Set.of("namespace", "name", "containerConcurrency", "timeoutSeconds", "endpoints");
    private static final Set<String> ENDPOINT_FIELDS = Set.of("pod", "address", "arch");

    private final Path file;
    private final Duration pollInterval;
    private final Duration defaultTimeout;
    private final Consumer<String> problems;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mu-endpoints-file");
        t.setDaemon(true);
        return t;
    });
    private FileTime lastModified;

    /**
     * @param problems told about a file that cannot be read or parsed (the last good state stays)
     */
    public FileEndpointSource(Path file, Duration pollInterval, Duration defaultTimeout, Consumer<String> problems) {
        this.file = file;
        this.pollInterval = pollInterval;
        this.defaultTimeout = defaultTimeout;
        this.problems = problems;
    }

    /** Reads the file once; a bad file at start-up is an error, not a warning. */
    public List<FunctionRoute> read() throws IOException {
        return parse(Files.readString(file), file.getFileName().toString(), defaultTimeout);
    }

    @Override
    public void start(Consumer<List<FunctionRoute>> onChange) {
        try {
            lastModified = Files.getLastModifiedTime(file);
            onChange.accept(read());
        } catch (IOException e) {
            throw new ConfigException("cannot read endpoints file " + file + ": " + e.getMessage());
        }
        poller.scheduleWithFixedDelay(() -> reloadIfChanged(onChange), pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void reloadIfChanged(Consumer<List<FunctionRoute>> onChange) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(lastModified)) {
                return;
            }
            lastModified = modified;
            onChange.accept(read());
        } catch (IOException | ConfigException e) {
            problems.accept(file + ": " + e.getMessage() + "; keeping the previous endpoints");
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    static List<FunctionRoute> parse(String text, String fileName, Duration defaultTimeout) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(fileName + ":" + e.getLocation().getLineNr() + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return List.of();
        }
        JsonNode functions = root.get("functions");
        if (!root.isObject() || functions == null || !functions.isArray()) {
            throw new ConfigException(fileName + ": functions: expected a list of functions");
        }
        List<FunctionRoute> routes = new ArrayList<>();
        Set<FunctionKey> seen = new HashSet<>();
        for (int f = 0; f < functions.size(); f++) {
            String at = fileName + ": functions[" + f + "]";
            JsonNode fn = functions.get(f);
            onlyKnown(fn, FUNCTION_FIELDS, at);
            FunctionKey key = new FunctionKey(label(fn, "namespace", at, "default"), label(fn, "name", at, null));
            if (!seen.add(key)) {
                throw new ConfigException(at + ": " + key + " is listed twice");
            }
            int cc = fn.path("containerConcurrency").asInt(0);
            if (fn.has("containerConcurrency") && (!fn.get("containerConcurrency").canConvertToInt() || cc < 0)) {
                throw new ConfigException(at + ".containerConcurrency: must be a whole number >= 0, got " + fn.get("containerConcurrency"));
            }
            Duration timeout = defaultTimeout;
            if (fn.has("timeoutSeconds")) {
                double seconds = fn.get("timeoutSeconds").asDouble(-1);
                if (!fn.get("timeoutSeconds").isNumber() || seconds <= 0) {
                    throw new ConfigException(at + ".timeoutSeconds: must be a positive number, got " + fn.get("timeoutSeconds"));
                }
                timeout = Duration.ofMillis(Math.round(seconds * 1000));
            }
            routes.add(new FunctionRoute(key, cc, timeout, endpoints(fn.path("endpoints"), at)));
        }
        return routes;
    }

    private static List<Endpoint> endpoints(JsonNode list, String at) {
        if (list.isMissingNode() || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new ConfigException(at + ".endpoints: expected a list");
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (int e = 0; e < list.size(); e++) {
            String here = at + ".endpoints[" + e + "]";
            JsonNode node = list.get(e);
            onlyKnown(node, ENDPOINT_FIELDS, here);
            String address = node.path("address").asText("");
            int colon = address.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(address.substring(colon + 1));
                } catch (NumberFormatException ignored) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65_535) {
                throw new ConfigException(here + ".address: must be host:port, got '" + address + "'");
            }
            String archLabel = node.path("arch").asText("amd64");
            Arch arch = Arch.fromLabel(archLabel).orElseThrow(() ->
                    new ConfigException(here + ".arch: must be amd64 or arm64, got '" + archLabel + "'"));
            String pod = node.path("pod").asText(address);
            endpoints.add(new Endpoint(pod, address.substring(0, colon), port, arch));
        }
        return endpoints;
    }

    private static String label(JsonNode node, String field, String at, String fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw new ConfigException(at + "." + field + ": required");
            }
            return fallback;
        }
        String s = value.asText();
        if (!value.isTextual() || !RequestAddress.isLabel(s)) {
            throw new ConfigException(at + "." + field + ": must be a DNS label (lower-case letters, digits, '-'), got '" + s + "'");
        }
        return s;
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String at) {
        if (!node.isObject()) {
            throw new ConfigException(at + ": expected a mapping");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ConfigException(at + "." + name + ": unknown field; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
