package dev.muserving.layeringfixture.cli;

/** An app class, for LayeringTest. */
public class Command {}
