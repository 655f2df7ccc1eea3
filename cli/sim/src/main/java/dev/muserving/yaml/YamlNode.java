package dev.muserving.yaml;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.api.CpuQuantity;
import dev.muserving.api.FunctionDuration;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that remembers its file, line and field path, so that every complaint about the
 * input says where it is: {@code edge.yaml:14: functions[2].serviceTimeMs.arm64.p99: ...}.
 */
public final class YamlNode {


    private final String source;
    private final String path;
    private final Node node;
    /** Where a complaint about this node points: a field's key, since a mapping's value starts on the line below it. */
    private final Mark mark;

    private YamlNode(String source, String path, Node node) {
        this(source, path, node, node.getStartMark());
    }

    private YamlNode(String source, String path, Node node, Mark mark) {
        this.source = source;
        this.path = path;
        this.node = node;
        this.mark = mark;
    }

    /** The one document of a file (a scenario), refusing an empty file or several documents. */
    public static YamlNode parse(String source, Reader reader) {
        List<YamlNode> documents = parseAll(source, reader);
        if (documents.isEmpty()) {
            throw new BadInputException(source + ": the file is empty");
        }
        if (documents.size() > 1) {
            throw documents.get(1).error("a scenario is one YAML document; this file has " + documents.size());
        }
        return documents.get(0);
    }

    /** Every document of a file ({@code ---} separated, as kubectl takes them); empty ones are skipped. */
    public static List<YamlNode> parseAll(String source, Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setAllowRecursiveKeys(false);
        List<YamlNode> documents = new ArrayList<>();
        try (reader) {
            for (Node root : new Yaml(options).composeAll(reader)) {
                // a document with nothing in it (a trailing or doubled ---) composes as a null scalar
                boolean empty = root == null || root instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
                if (!empty) {
                    YamlNode node = new YamlNode(source, "", root);
                    node.requireMapping();
                    documents.add(node);
                }
            }
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new BadInputException(source + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new BadInputException(source + ": cannot read: " + (notUtf8(e) ? "not UTF-8 text" : e.getMessage()), e);
        }
        return documents;
    }

    /** SnakeYAML wraps the decoder's error: a file in another encoding is said so, not by the exception's name. */
    private static boolean notUtf8(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    public String path() {
        return path.isEmpty() ? "(top level)" : path;
    }

    public int line() {
        return mark.getLine() + 1;
    }

    public BadInputException error(String message) {
        return new BadInputException(source + ":" + line() + ": " + path() + ": " + message);
    }

    /** A complaint about {@code field}, which need not be in the file, placed at this node's line. */
    public BadInputException error(String field, String message) {
        return new BadInputException(source + ":" + line() + ": " + field + ": " + message);
    }

    /** Rejects fields this mapping does not know, suggesting the nearest known name. */
    public void allowOnly(Set<String> known) {
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

    public Optional<YamlNode> find(String key) {
        return Optional.ofNullable(fields().get(key));
    }

    public YamlNode get(String key) {
        YamlNode child = fields().get(key);
        if (child == null) {
            throw error("missing required field '" + key + "'");
        }
        return child;
    }

    public List<YamlNode> items() {
        if (!(node instanceof SequenceNode seq)) {
            throw error("must be a list");
        }
        List<YamlNode> items = new ArrayList<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            items.add(new YamlNode(source, path + "[" + i + "]", seq.getValue().get(i)));
        }
        return items;
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** This mapping's fields by name, in the file's order. */
    public Map<String, YamlNode> fieldsByName() {
        return fields();
    }

    /**
     * The node at a field path below this one ({@code spec.scale.min}, {@code spec.env[0].name},
     * {@code spec.images.amd64}, {@code metadata.annotations[autoscaling.muserving.dev/class]}: a
     * bracket holds an index, or a key that may contain dots), or the deepest node on the way that
     * exists: where a complaint about that field should point.
     */
    public YamlNode at(String fieldPath) {
        YamlNode current = this;
        int i = 0;
        while (i < fieldPath.length()) {
            char c = fieldPath.charAt(i);
            if (c == '.') {
                i++;
                continue;
            }
            String step;
            boolean bracketed = c == '[';
            if (bracketed) {
                int close = fieldPath.indexOf(']', i);
                if (close < 0) {
                    return current;
                }
                step = fieldPath.substring(i + 1, close);
                i = close + 1;
            } else {
                int end = i;
                while (end < fieldPath.length() && fieldPath.charAt(end) != '.' && fieldPath.charAt(end) != '[') {
                    end++;
                }
                step = fieldPath.substring(i, end);
                i = end;
            }
            YamlNode next = bracketed && current.node instanceof SequenceNode ? current.item(step) : current.field(step);
            if (next == null) {
                return current;
            }
            current = next;
        }
        return current;
    }

    private YamlNode field(String key) {
        return isMapping() ? fields().get(key) : null;
    }

    private YamlNode item(String index) {
        try {
            int n = Integer.parseInt(index);
            List<YamlNode> items = items();
            return n >= 0 && n < items.size() ? items.get(n) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The node as plain Java values, as a YAML loader gives them: maps, lists, and scalars typed by
     * their YAML tags (whole numbers as Long or BigInteger, other numbers as Double, booleans, null,
     * text). For binding to a class whose errors this node can then place.
     */
    public Object plain() {
        if (node instanceof MappingNode) {
            Map<String, Object> map = new LinkedHashMap<>();
            fields().forEach((key, child) -> map.put(key, child.plain()));
            return map;
        }
        if (node instanceof SequenceNode) {
            return items().stream().map(YamlNode::plain).toList();
        }
        ScalarNode scalar = (ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        if (Tag.BOOL.equals(tag)) {
            return Boolean.valueOf(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes") || value.equalsIgnoreCase("on"));
        }
        if (Tag.STR.equals(tag) && scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN && SHORT_BOOLEAN.contains(value)) {
            return Boolean.valueOf(value.equalsIgnoreCase("y")); // kubectl's YAML 1.1 reads y and n as booleans; SnakeYAML does not
        }
        try {
            if (Tag.INT.equals(tag)) {
                BigInteger number = yaml11Integer(value.replace("_", ""));
                return number.bitLength() < 64 ? (Object) number.longValue() : number;
            }
            if (Tag.FLOAT.equals(tag)) {
                return yaml11Float(value.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            return value; // a sexagesimal 1:30, which kubectl takes as text too
        }
        return value;
    }

    /** Unquoted y, Y, n and N: booleans to kubectl (YAML 1.1 as go-yaml reads it), so an env value y is refused there. */
    private static final Set<String> SHORT_BOOLEAN = Set.of("y", "Y", "n", "N");

    /** YAML 1.1's integers as kubectl reads them: 0x1F hexadecimal, 0b101 binary, 010 octal (8, not 10). */
    private static BigInteger yaml11Integer(String text) {
        boolean negative = text.startsWith("-");
        String digits = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        BigInteger magnitude;
        if (digits.startsWith("0x")) {
            magnitude = new BigInteger(digits.substring(2), 16);
        } else if (digits.startsWith("0b")) {
            magnitude = new BigInteger(digits.substring(2), 2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            magnitude = new BigInteger(digits.substring(1), 8);
        } else {
            magnitude = new BigInteger(digits);
        }
        return negative ? magnitude.negate() : magnitude;
    }

    /** YAML's .inf and .nan, which kubectl cannot turn into JSON: infinite or NaN here, refused by any field's bounds. */
    private static Double yaml11Float(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".inf")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (lower.equals(".nan")) {
            return Double.NaN;
        }
        return Double.valueOf(text);
    }

    public String text() {
        if (!(node instanceof ScalarNode scalar)) {
            throw error("must be a single value");
        }
        return scalar.getValue().trim();
    }

    public double number(double min, double max) {
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

    public int integer(int min, int max) {
        return (int) wholeNumber(min, max);
    }

    public long wholeNumber(long min, long max) {
        long value = longValue();
        if (value < min || value > max) {
            throw error("must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public long longValue() {
        String raw = text();
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw error("must be a whole number, got '" + raw + "'");
        }
    }

    public double numberOr(String key, double fallback, double min, double max) {
        return find(key).map(n -> n.number(min, max)).orElse(fallback);
    }

    public int integerOr(String key, int fallback, int min, int max) {
        return find(key).map(n -> n.integer(min, max)).orElse(fallback);
    }

    public Arch arch() {
        return Arch.fromLabel(text()).orElseThrow(() -> error("must be amd64 or arm64, got '" + text() + "'"));
    }

    /** CPU as the Function CRD takes it: cores ({@code 2}, {@code 0.5}) or whole millicores ({@code 500m}). */
    public int cpuMillis() {
        String raw = text();
        long millis = CpuQuantity.millis(raw).orElseThrow(() -> error("must be " + CpuQuantity.FORM + ", got '" + raw + "'"));
        if (millis < 1 || millis > 1_000_000_000) {
            throw error("must be between 1m and 1000000 cores, got '" + raw + "'");
        }
        return (int) millis;
    }

    /** A duration as the Function CRD writes it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
    public Duration duration() {
        return FunctionDuration.parse(text())
                .orElseThrow(() -> error("must be a duration such as 500ms, 30s, 5m or 1h, got '" + text() + "'"));
    }

    private Map<String, YamlNode> fields() {
        MappingNode mapping = requireMapping();
        Map<String, YamlNode> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new YamlNode(source, path, tuple.getKeyNode()).error("field names must be plain text");
            }
            String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
            YamlNode child = new YamlNode(source, childPath, tuple.getValueNode(), key.getStartMark());
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
