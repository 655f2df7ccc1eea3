package dev.muserving.api;

import java.util.Objects;

/** A function's identity: its namespace and name, as in {@code kubectl get fn -n <namespace> <name>}. */
public record FunctionKey(String namespace, String name) {

    public FunctionKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
