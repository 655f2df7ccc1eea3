package dev.muserving.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.bench.sim.DecisionListener.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionsCsvTest {

    @TempDir
    Path dir;

    @Test
    void writesOnlyTheChosenFunctionsWithTheReasonAsOneQuotedField() throws IOException {
        try (DecisionsCsv csv = new DecisionsCsv(dir, Set.of("echo"))) {
            csv.decided(new Decision("mu", 2, "echo", 3, 2, 3, 2, 1, 0, 17, "predicted 9.0 rps, \"burst\" → 3 (2 to keep up)"));
            csv.decided(new Decision("mu", 2, "resize", 1, 1, 1, 0, 1, 0, 0, "not traced"));
        }
        assertThat(Files.readAllLines(dir.resolve(SummaryFiles.DECISIONS_CSV))).containsExactly(DecisionsCsv.HEADER,
                "mu,2,echo,3,2,3,2,1,0,17,\"predicted 9.0 rps, \"\"burst\"\" → 3 (2 to keep up)\"");
    }
}
