package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MuTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Mu.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void everySubcommandsHelpPrintsWithoutAWarningAndItsVersionIsMus() {
        for (String sub : Mu.commandLine().getSubcommands().keySet()) {
            if (sub.equals("help")) {
                continue;
            }
            Run help = run(sub, "--help");
            assertThat(help.exit()).as(sub).isZero();
            assertThat(help.out()).as(sub).startsWith("Usage: mu " + sub);
            assertThat(help.out() + help.err()).as(sub).doesNotContain("WARN", "Could not format");
            assertThat(run(sub, "-V").out()).as(sub).isEqualTo("mu 0.1.0\n");
        }
        // the soak's own exit code, not the one mu --help gives to a bug
        assertThat(run("soak", "--help").out()).contains("Exit code 4 when a target is missed", "over 110 % of its start");
        assertThat(run("--help").out()).contains("4   mu soak: a target was missed");
    }

    @Test
    void simBenchmarkRefusesNonsenseBeforeItStarts() {
        Run noRuns = run("sim-benchmark", "--scenario", "../../deploy/scenarios/edge-contention.yaml", "--repeats", "0");
        assertThat(noRuns.exit()).isEqualTo(2);
        assertThat(noRuns.err()).isEqualTo("mu: --warmups must be at least 0 and --repeats at least 1, got 2 and 0\n");
        assertThat(run("sim-benchmark", "--lengths=-2").err()).isEqualTo("mu: --lengths must be above zero, got -2.0\n");
        Run bogus = run("sim-benchmark", "--system", "bogus");
        assertThat(bogus.exit()).isEqualTo(2);
        assertThat(bogus.err()).startsWith("mu: unknown system 'bogus'");
    }
}
