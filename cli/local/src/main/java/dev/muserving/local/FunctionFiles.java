package dev.muserving.local;

import dev.muserving.api.BadInputException;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionValidation;
import dev.muserving.api.v1alpha1.ResolvedFunction;
import dev.muserving.yaml.YamlNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Function YAMLs, the same files {@code kubectl apply} takes, for {@code mu local}
 * ({@link FunctionWatcher} reads the files and applies them), through the same classes, rules and
 * defaults as the cluster: {@link FunctionDocument} binds a document to {@code api/crd}'s
 * {@link Function}, {@link FunctionValidation} refuses what the CRD refuses, {@link FunctionMapping}
 * applies the CRD's defaults. A file may hold several documents; Namespaces are skipped, documents
 * of other kinds with a note. Each problem names the file, the line and the field, and a bad
 * Function does not stop the others.
 */
public final class FunctionFiles {

    /** The built-in emulated function, named as the first word of {@code spec.local.command}. */
    public static final String EMULATED = "mu-emulated-function";

    private static final String API_VERSION = "muserving.dev/v1alpha1";

    /** What a read found: the Functions that are good, and one line per problem or note. */
    public record Result(List<LocalFunction> functions, List<String> problems, List<String> notes) {}

    private FunctionFiles() {}

    /** Every {@code .yaml}/{@code .yml} file of the given files and directories (not recursive), in name order. */
    public static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                try (Stream<Path> listed = Files.list(input)) {
                    // a folder named like a file is not one, as kubectl apply -f DIR passes it by
                    listed.filter(p -> (p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")) && !Files.isDirectory(p))
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
                if ("Function".equalsIgnoreCase(kind) && !"Function".equals(kind)) {
                    throw doc.get("kind").error("must be Function, got '" + kind + "'"); // kubectl refuses it too; a note was missed
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
                Function function = FunctionDocument.bind(doc);
                List<FunctionValidation.Problem> invalid = FunctionValidation.problems(function);
                if (!invalid.isEmpty()) {
                    invalid.forEach(p -> problems.add(doc.at(p.field()).error(p.field(), p.message()).getMessage()));
                    continue;
                }
                ResolvedFunction resolved = FunctionMapping.resolve(function);
                functions.add(new LocalFunction(resolved.key(), source + ":" + doc.line(), resolved.spec(), launch(resolved, doc),
                        resolved.env(), resolved.timeout(), new LocalFunction.Policies(resolved.autoscaling(), resolved.routing())));
            } catch (BadInputException e) {
                problems.add(e.getMessage());
            }
        }
        return new Result(functions, problems, notes);
    }

    private static LocalFunction.Launch launch(ResolvedFunction function, YamlNode doc) {
        List<String> argv = function.localCommand();
        if (argv.isEmpty()) {
            throw doc.at("spec").error("spec.local.command", "missing: mu local runs a local program for " + function.key()
                    + " (see docs/local.md)");
        }
        if (!EMULATED.equals(argv.get(0))) {
            return new LocalFunction.Command(argv);
        }
        YamlNode commandNode = doc.at("spec.local.command");
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
}
