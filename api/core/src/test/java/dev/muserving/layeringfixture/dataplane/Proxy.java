package dev.muserving.layeringfixture.dataplane;

import dev.muserving.layeringfixture.cli.Command;

/** A data-plane class that reaches into the CLI, which the rules forbid. */
public class Proxy {
    Command command;
}
