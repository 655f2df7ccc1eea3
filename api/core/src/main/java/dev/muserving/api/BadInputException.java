package dev.muserving.api;

/**
 * Input the user must fix: a scenario, a trace or an option. The message names the file, the line
 * and the field, so it is shown as is, without a stack trace, and the command exits with code 2.
 */
public class BadInputException extends RuntimeException {

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
