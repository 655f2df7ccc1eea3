package dev.muserving.local;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.muserving.api.BadInputException;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.yaml.YamlNode;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.TreeSet;

/**
 * One Function document of a file, bound to the {@code api/crd} classes as kubectl would send it:
 * a field the Function does not have and a value of the wrong type are refused with the file, the
 * line and the field, as {@link YamlNode} places them. What the values mean is
 * {@code FunctionValidation}'s to check.
 */
final class FunctionDocument {

    /**
     * Strict as the API server: a quoted "8080" is not a port, nor 1.5 a replica count. A plain
     * mapper: the Kubernetes client's own puts a value of the wrong type aside instead of refusing it.
     */
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    /** Fields whose text is a duration: a number there needs a unit, not quotes. */
    private static final Set<String> DURATIONS = Set.of("timeout", "p99", "scaleToZeroAfter");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    static {
        for (LogicalType number : List.of(LogicalType.Integer, LogicalType.Float)) {
            MAPPER.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        }
        // Jackson would cut 1.9 down to 1 without a word
        MAPPER.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        for (CoercionInputShape scalar : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
            MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
    }

    private FunctionDocument() {}

    static Function bind(YamlNode document) {
        requireKnownFields(document, MAPPER.constructType(Function.class));
        try {
            return MAPPER.convertValue(document.plain(), Function.class);
        } catch (IllegalArgumentException e) {
            throw wrongType(document, e);
        }
    }

    /** Fields the classes do not have: what kubectl's strict field validation refuses. */
    private static void requireKnownFields(YamlNode node, JavaType type) {
        if (type.isMapLikeType() && node.isMapping()) {
            node.fieldsByName().values().forEach(value -> requireKnownFields(value, type.getContentType()));
        } else if (type.isCollectionLikeType() || type.isArrayType()) {
            if (node.isSequence()) {
                node.items().forEach(item -> requireKnownFields(item, type.getContentType()));
            }
        } else if (isBean(type) && node.isMapping()) {
            BeanDescription bean = MAPPER.getDeserializationConfig().introspect(type);
            // Kubernetes model classes keep unknown fields aside (an any-setter), but kubectl's strict decoding refuses them,
            // metadata.labelz included (an outside probe), so their known properties are all that is allowed here too;
            // a class of nothing but an any-setter is free-form (managedFields' fieldsV1 in a file saved from kubectl get)
            List<BeanPropertyDefinition> properties = bean.findProperties();
            if (properties.isEmpty() && bean.findAnySetterAccessor() != null) {
                return;
            }
            Set<String> known = new TreeSet<>();
            properties.forEach(p -> known.add(p.getName()));
            node.allowOnly(known);
            for (BeanPropertyDefinition property : properties) {
                YamlNode child = node.fieldsByName().get(property.getName());
                if (child != null) {
                    requireKnownFields(child, property.getPrimaryType());
                }
            }
        }
    }

    private static boolean isBean(JavaType type) {
        Class<?> raw = type.getRawClass();
        return !type.isPrimitive() && !raw.isEnum() && !raw.getPackageName().startsWith("java.") && !type.isContainerType();
    }

    private static BadInputException wrongType(YamlNode document, IllegalArgumentException e) {
        if (e.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            StringBuilder field = new StringBuilder();
            for (JsonMappingException.Reference step : mapping.getPath()) {
                if (step.getFieldName() != null) {
                    field.append(field.length() == 0 ? "" : ".").append(step.getFieldName());
                } else {
                    field.append('[').append(step.getIndex()).append(']');
                }
            }
            YamlNode value = document.at(field.toString());
            String expected = expected(mapping);
            if (expected.equals("must be text") && !value.isMapping() && !value.isSequence() && NUMBER.matcher(value.text()).matches()) {
                String name = field.substring(field.lastIndexOf(".") + 1);
                // Knative users write cpu: 2; a duration needs its unit, and quoting alone only led to the next error (an outside probe)
                expected += DURATIONS.contains(name) ? " (a duration with its unit, such as 300ms or 30s)"
                        : " (quote the number: Kubernetes quantities such as cpu: \"2\" are strings)";
            }
            return value.error("has the wrong type: " + expected);
        }
        return document.error("cannot be read as a Function: " + e.getMessage());
    }

    /** What the field should have been, in the user's terms. */
    private static String expected(JsonMappingException e) {
        Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        if (target == null && e.getOriginalMessage() != null && e.getOriginalMessage().contains("out of range of int")) {
            return "must be a whole number, and this one is far too large"; // not Jackson's words
        }
        if (target == null) {
            return e.getOriginalMessage();
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "must be a whole number";
        }
        if (Number.class.isAssignableFrom(target) || target == double.class) {
            return "must be a number";
        }
        if (target == String.class) {
            return "must be text";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "must be a list";
        }
        return "must be a mapping of fields";
    }
}
