package dev.muserving.bench.scenario;

import dev.muserving.bench.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node that remembers its file, line and field path, so that every complaint about the
 * input says where it is: {@code edge.yaml:14: functions[2].serviceTimeMs.arm64.p99: ...}.
 */
final class YamlNode {

    private final String source;
    private final String path;
    private final Node node;

    private YamlNode(String source, String path, Node node) {
        this.source = source;
        this.path = path;
        this.node = node;
    }

    static YamlNode parse(String source, Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        Node root;
        try (reader) {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new BadInputException(source + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new BadInputException(source + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new BadInputException(source + ": the file is empty");
        }
        YamlNode node = new YamlNode(source, "", root);
        node.requireMapping();
        return node;
    }

    String path() {
        return path.isEmpty() ? "(top level)" : path;
    }

    int line() {
        return node.getStartMark().getLine() + 1;
    }

    BadInputException error(String message) {
        return new BadInputException(source + ":" + line() + ": " + path() + ": " + message);
    }

    /** Rejects fields this mapping does not know, suggesting the nearest known name. */
    void allowOnly(Set<String> known) {
        for (Map.Entry<String, YamlNode> entry : fields().entrySet()) {
            if (!known.contains(entry.getKey())) {
                String nearest = known.stream()
                        .sorted()
                        .min(Comparator.comparingInt(k -> editDistance(k, entry.getKey())))
                        .filter(k -> editDistance(k, entry.getKey()) <= 3)
                        .map(k -> " (did you mean '" + k + "'?)")
                        .orElse("");
                throw entry.getValue().error("unknown field" + nearest + "; known fields: "
                        + known.stream().sorted().toList());
            }
        }
    }

    Optional<YamlNode> find(String key) {
        return Optional.ofNullable(fields().get(key));
    }

    YamlNode get(String key) {
        YamlNode child = fields().get(key);
        if (child == null) {
            throw error("missing required field '" + key + "'");
        }
        return child;
    }

    List<YamlNode> items() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("must be a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            items.add(new YamlNode(source, path + "[" + i + "]", seq.getValue().get(i)));
        }
        return items;
    }

    String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("must be a single value");
        }
        return scalar.getValue().trim();
    }

    double number(double min, double max) {
        String raw = text();
        double value;
        try {
            value = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw error("must be a number, got '" + raw + "'");
        }
        if (!(value >= min && value <= max)) {
            throw error("must be between " + format(min) + " and " + format(max) + ", got " + raw);
        }
        return value;
    }

    int integer(int min, int max) {
        long value = longValue();
        if (value < min || value > max) {
            throw error("must be between " + min + " and " + max + ", got " + value);
        }
        return (int) value;
    }

    long longValue() {
        String raw = text();
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw error("must be a whole number, got '" + raw + "'");
        }
    }

    double numberOr(String key, double fallback, double min, double max) {
        return find(key).map(n -> n.number(min, max)).orElse(fallback);
    }

    int integerOr(String key, int fallback, int min, int max) {
        return find(key).map(n -> n.integer(min, max)).orElse(fallback);
    }

    private Map<String, YamlNode> fields() {
        MappingNode mapping = requireMapping();
        Map<String, YamlNode> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new YamlNode(source, path, tuple.getKeyNode()).error("field names must be plain text");
            }
            String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
            YamlNode child = new YamlNode(source, childPath, tuple.getValueNode());
            if (fields.put(key.getValue(), child) != null) {
                throw new YamlNode(source, childPath, key).error("is given twice");
            }
        }
        return fields;
    }

    private MappingNode requireMapping() {
        if (!(node instanceof MappingNode mapping)) {
            throw error("must be a mapping of fields");
        }
        return mapping;
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%s", value);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
