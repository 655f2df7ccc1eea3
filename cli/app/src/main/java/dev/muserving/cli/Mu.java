package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mu} command. */
@Command(
        name = "mu",
        mixinStandardHelpOptions = true,
        version = "mu 0.1.0",
        description = "Mu Serving: serverless functions on small heterogeneous clusters.",
        subcommands = {LocalCommand.class, LoadCommand.class, BenchCommand.class, LbBenchCommand.class, SoakCommand.class, PlacementBenchCommand.class, SimBenchmarkCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:an internal error (a bug: please report it)", "2:bad input: a scenario, a trace or an option",
                "3:mu load: some requests failed or went unanswered", "4:mu soak: a target was missed"})
public final class Mu {

    public static final int EXIT_BAD_INPUT = 2;
    /** mu load's answer when requests failed: not a bug (1) nor bad input (2), so that a script can tell. */
    public static final int EXIT_REQUESTS_FAILED = 3;
    /** mu soak's answer when a target was missed (a leak, an error): a finding, not a bug of mu's own. */
    public static final int EXIT_TARGET_MISSED = 4;
    /** As a shell reports a command ended by a signal (128 + SIGTERM's 15; Ctrl-C is 130 but arrives as the same interrupt). */
    public static final int EXIT_STOPPED = 143;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Mu's error handling: bad input is one clear line and exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Mu());
        // @FILE is curl's way to name a body (mu load --body @body.json), not a file of more arguments
        cli.setExpandAtFiles(false);
        // every subcommand takes -V too, and says the one version there is
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version(cli.getCommandSpec().version()));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BadInputException) {
                commandLine.getErr().println("mu: " + e.getMessage());
                return EXIT_BAD_INPUT;
            }
            throw e;
        });
        return cli;
    }
}
