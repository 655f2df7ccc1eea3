package dev.muserving.local;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionDefaults;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.BadInputException;
import dev.muserving.bench.scenario.YamlNode;
import dev.muserving.api.FunctionKey;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads Function YAMLs, the same files {@code kubectl apply} takes, for {@code mu local}
 * ({@link FunctionWatcher} reads the files and applies them). A file
 * may hold several documents; Namespaces are skipped, documents of other kinds with a note, and so are the
 * fields only a cluster uses (images). Each problem names the file, the line and the field, and a
 * bad Function does not stop the others.
 */
public final class FunctionFiles {

    /** The built-in emulated function, named as the first word of {@code spec.local.command}. */
    public static final String EMULATED = "mu-emulated-function";

    private static final String API_VERSION = "muserving.dev/v1alpha1";
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** A DNS-1035 label, as the CRD requires of a Function's name. */
    private static final Pattern NAME = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> SPEC = Set.of("image", "images", "architectures", "port", "env", "containerConcurrency",
            "resources", "scale", "slo", "weight", "timeout", "local");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
    /** Without an SLO the autoscaler aims at Knative's behaviour; this p99 only ranks satisfaction. */
    private static final double DEFAULT_SLO_MS = 1000;

    /** What a read found: the Functions that are good, and one line per problem or note. */
    public record Result(List<LocalFunction> functions, List<String> problems, List<String> notes) {}

    private FunctionFiles() {}

    /** Every {@code .yaml}/{@code .yml} file of the given files and directories (not recursive), in name order. */
    public static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> listed = Files.list(input)) {
                    listed.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                            .sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(input)) {
                files.add(input);
            } else {
                throw new BadInputException(input + ": no such file or directory");
            }
        }
        return files;
    }

    public static Result parse(String source, String text) {
        List<LocalFunction> functions = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<YamlNode> documents;
        try {
            documents = YamlNode.parseAll(source, new StringReader(text));
        } catch (BadInputException e) {
            return new Result(List.of(), List.of(e.getMessage()), List.of());
        }
        for (YamlNode doc : documents) {
            try {
                String kind = doc.find("kind").map(YamlNode::text).orElse("");
                if ("Namespace".equals(kind)) {
                    continue; // a cluster needs it before its Functions; on one machine a namespace is only a name
                }
                if (!"Function".equals(kind)) {
                    notes.add(source + ":" + doc.line() + ": skipped a " + (kind.isEmpty() ? "document without kind" : kind)
                            + "; mu local runs Functions only");
                    continue;
                }
                YamlNode apiVersion = doc.get("apiVersion");
                if (!API_VERSION.equals(apiVersion.text())) {
                    throw apiVersion.error("must be " + API_VERSION + ", got '" + apiVersion.text() + "'");
                }
                functions.add(function(source, doc, notes));
            } catch (BadInputException e) {
                problems.add(e.getMessage());
            }
        }
        return new Result(functions, problems, notes);
    }

    private static LocalFunction function(String source, YamlNode doc, List<String> notes) {
        YamlNode metadata = doc.get("metadata");
        String name = label(metadata.get("name"), NAME, "starting with a letter");
        String namespace = metadata.find("namespace").map(n -> label(n, LABEL, "")).orElse("default");
        FunctionKey key = new FunctionKey(namespace, name);
        YamlNode spec = doc.get("spec");
        spec.allowOnly(SPEC);
        for (String clusterOnly : List.of("image", "images")) {
            spec.find(clusterOnly).ifPresent(n -> notes.add(source + ":" + n.line() + ": " + key + ": spec." + clusterOnly
                    + " is for a cluster; mu local runs spec.local.command"));
        }
        Set<Arch> archs = EnumSet.allOf(Arch.class);
        YamlNode archNode = spec.find("architectures").orElse(null);
        if (archNode != null) {
            archs = EnumSet.noneOf(Arch.class);
            for (YamlNode item : archNode.items()) {
                if (!archs.add(item.arch())) {
                    throw item.error("names " + item.text() + " twice");
                }
            }
            if (archs.isEmpty()) {
                throw archNode.error("must name at least one architecture");
            }
        }
        int cpu = FunctionDefaults.CPU_MILLIS;
        int memory = FunctionDefaults.MEMORY_MIB;
        YamlNode resources = spec.find("resources").orElse(null);
        if (resources != null) {
            resources.allowOnly(Set.of("cpu", "memory"));
            cpu = resources.find("cpu").map(YamlNode::cpuMillis).orElse(cpu);
            memory = resources.find("memory").map(YamlNode::memoryMiB).orElse(memory);
        }

        int min = 0;
        int max = 0;
        int initial = 1;
        Duration scaleToZeroAfter = Duration.ofSeconds(60);
        YamlNode scale = spec.find("scale").orElse(null);
        if (scale != null) {
            scale.allowOnly(Set.of("min", "max", "initial", "scaleToZeroAfter"));
            min = scale.integerOr("min", 0, 0, 10_000);
            max = scale.integerOr("max", 0, 0, 10_000);
            initial = scale.integerOr("initial", 1, 0, 10_000);
            if (max > 0 && min > max) {
                throw scale.get("min").error("must not be above spec.scale.max (" + max + ")");
            }
            if (max > 0 && initial > max) {
                throw scale.get("initial").error("must not be above spec.scale.max (" + max + ")");
            }
            scaleToZeroAfter = scale.find("scaleToZeroAfter").map(YamlNode::duration).orElse(scaleToZeroAfter);
        }
        double sloMs = DEFAULT_SLO_MS;
        YamlNode slo = spec.find("slo").orElse(null);
        if (slo != null) {
            slo.allowOnly(Set.of("p99"));
            sloMs = slo.get("p99").duration().toNanos() / 1e6;
            if (!(sloMs > 0)) {
                throw slo.get("p99").error("must be above zero");
            }
        }
        double weight = spec.numberOr("weight", 1, Double.MIN_VALUE, 1000);
        int concurrency = spec.integerOr("containerConcurrency", 0, 0, 1000);
        spec.integerOr("port", 8080, 1, 65_535);
        Duration timeout = spec.find("timeout").map(YamlNode::duration).orElse(DEFAULT_TIMEOUT);
        Map<String, String> env = env(spec);
        LocalFunction.Launch launch = launch(key, spec);

        FunctionSpec policySpec = new FunctionSpec(key.toString(), concurrency, cpu, memory, archs, sloMs, weight, min, max,
                initial, scaleToZeroAfter);
        return new LocalFunction(key, source + ":" + doc.line(), policySpec, launch, env, timeout, initial, scaleToZeroAfter);
    }

    private static Map<String, String> env(YamlNode spec) {
        Map<String, String> env = new LinkedHashMap<>();
        YamlNode list = spec.find("env").orElse(null);
        if (list == null) {
            return env;
        }
        for (YamlNode item : list.items()) {
            item.allowOnly(Set.of("name", "value"));
            YamlNode name = item.get("name");
            if (!ENV_NAME.matcher(name.text()).matches()) {
                throw name.error("must be a variable name (letters, digits, _), got '" + name.text() + "'");
            }
            env.put(name.text(), item.find("value").map(YamlNode::text).orElse(""));
        }
        return env;
    }

    private static LocalFunction.Launch launch(FunctionKey key, YamlNode spec) {
        YamlNode local = spec.find("local").orElseThrow(() -> spec.error(
                "spec.local.command is missing: mu local runs a local program for " + key + " (see docs/local.md)"));
        local.allowOnly(Set.of("command"));
        YamlNode commandNode = local.get("command");
        List<String> argv = commandNode.items().stream().map(YamlNode::text).toList();
        if (argv.isEmpty()) {
            throw commandNode.error("must name a program");
        }
        if (!EMULATED.equals(argv.get(0))) {
            return new LocalFunction.Command(argv);
        }
        double serviceMs = 0;
        double cpuMs = 0;
        for (String arg : argv.subList(1, argv.size())) {
            String[] pair = arg.split("=", 2);
            double value;
            try {
                value = pair.length == 2 ? Double.parseDouble(pair[1]) : Double.NaN;
            } catch (NumberFormatException e) {
                value = Double.NaN;
            }
            if (!(value >= 0 && value <= 3_600_000)) {
                throw commandNode.error(EMULATED + " takes --service-ms=N and --cpu-ms=N (milliseconds), got '" + arg + "'");
            }
            switch (pair[0]) {
                case "--service-ms" -> serviceMs = value;
                case "--cpu-ms" -> cpuMs = value;
                default -> throw commandNode.error(EMULATED + " takes --service-ms=N and --cpu-ms=N, got '" + arg + "'");
            }
        }
        return new LocalFunction.Emulated(serviceMs, cpuMs);
    }

    private static String label(YamlNode node, Pattern form, String also) {
        String value = node.text();
        if (!form.matcher(value).matches()) {
            throw node.error("must be a DNS label (lower-case letters, digits and '-', at most 63" + (also.isEmpty() ? "" : ", " + also)
                    + "), got '" + value + "'");
        }
        return value;
    }
}
