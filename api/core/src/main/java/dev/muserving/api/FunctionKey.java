package dev.muserving.api;

import java.util.Objects;

/** A function's identity: its namespace and name, as in {@code kubectl get fn -n <namespace> <name>}. */
public record FunctionKey(String namespace, String name) {

    public FunctionKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** The key {@link #toString()} wrote: {@code <namespace>/<name>}. */
    public static FunctionKey parse(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1 || key.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("'" + key + "' is not <namespace>/<name>");
        }
        return new FunctionKey(key.substring(0, slash), key.substring(slash + 1));
    }

    /** The host name the function answers at through the activator-lb: {@code <name>.<namespace>.<domain>}. */
    public String host(String domain) {
        return name + "." + namespace + "." + domain;
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
