package dev.muserving.operator.model;

/** A Kubernetes Event to record on a Function ({@code kubectl describe fn} shows them). */
public record FunctionEvent(Type type, String reason, String message) {

    public enum Type { Normal, Warning }

    static FunctionEvent normal(String reason, String message) {
        return new FunctionEvent(Type.Normal, reason, message);
    }

    static FunctionEvent warning(String reason, String message) {
        return new FunctionEvent(Type.Warning, reason, message);
    }
}
