package dev.muserving.dataplane;

/** A setting is missing or malformed; the message names it and says what was expected. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
