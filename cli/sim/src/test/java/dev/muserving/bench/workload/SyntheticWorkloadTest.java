package dev.muserving.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticWorkloadTest {

    private static final SyntheticOptions MANY = new SyntheticOptions(2000, 5000, 7, 2.5, 700, 1.4, 1.2, 2.0, 3.0, 0.2);
    private final List<FunctionModel> functions = SyntheticWorkload.generate(MANY);

    private double[] ratesDescending() {
        double[] rates = functions.stream().mapToDouble(f -> f.arrival().meanRps()).sorted().toArray();
        for (int i = 0; i < rates.length / 2; i++) {
            double t = rates[i];
            rates[i] = rates[rates.length - 1 - i];
            rates[rates.length - 1 - i] = t;
        }
        return rates;
    }

    @Test
    void ratesAddUpToTheTotalAndSpanSeveralOrdersOfMagnitude() {
        double[] rates = ratesDescending();
        assertThat(Arrays.stream(rates).sum()).isCloseTo(5000, within(1e-6));
        assertThat(Math.log10(rates[0] / rates[rates.length - 1])).isGreaterThan(6);
    }

    @Test
    void aFewFunctionsMakeMostOfTheTraffic() {
        double[] rates = ratesDescending();
        double top = 0;
        for (int i = 0; i < rates.length * 8 / 100; i++) {
            top += rates[i];
        }
        // Azure: 8 % of functions make 99 % of invocations; a log-normal at this spread gets most of the way.
        assertThat(top / 5000).isGreaterThan(0.75);
    }

    @Test
    void aboutHalfOfTheFunctionsAverageUnderASecond() {
        long fast = functions.stream().filter(f -> f.serviceTimeMs().get(Arch.AMD64).mean() < 1000).count();
        assertThat(fast / (double) functions.size()).isBetween(0.4, 0.6);
    }

    @Test
    void mostFunctionsStayUnder400Megabytes() {
        long small = functions.stream().filter(f -> f.spec().memoryMiB() <= 400).count();
        assertThat(small / (double) functions.size()).isBetween(0.85, 0.95);
    }

    @Test
    void queueAndEventTriggersAreBurstyAndTimersPeriodic() {
        for (FunctionModel f : functions) {
            if (f.origin().endsWith("/queue") || f.origin().endsWith("/event")) {
                assertThat(f.arrival()).isInstanceOf(ArrivalSpec.Bursty.class);
                assertThat(((ArrivalSpec.Bursty) f.arrival()).quietRps()).isNotNegative();
            } else if (f.origin().endsWith("/timer")) {
                assertThat(f.arrival()).isInstanceOf(ArrivalSpec.Periodic.class);
            }
        }
        long http = functions.stream().filter(f -> f.origin().endsWith("/http")).count();
        assertThat(http / (double) functions.size()).isCloseTo(0.55, within(0.05));
    }

    @Test
    void armIsSlowerWithinTheConfiguredRange() {
        for (FunctionModel f : functions) {
            double ratio = f.serviceTimeMs().get(Arch.ARM64).median() / f.serviceTimeMs().get(Arch.AMD64).median();
            assertThat(ratio).isBetween(1.2, 2.0);
            assertThat(f.spec().sloP99Ms()).isGreaterThanOrEqualTo(f.serviceTimeMs().get(Arch.AMD64).p99() * 3 - 1);
        }
    }

    @Test
    void theSameSeedGivesTheSameFunctionsAndAnotherSeedOthers() {
        assertThat(SyntheticWorkload.generate(MANY)).isEqualTo(functions);
        SyntheticOptions other = new SyntheticOptions(2000, 5000, 8, 2.5, 700, 1.4, 1.2, 2.0, 3.0, 0.2);
        assertThat(SyntheticWorkload.generate(other)).isNotEqualTo(functions);
    }

    @Test
    void noFunctionGetsMoreThanItsCap() {
        double[] rates = SyntheticWorkload.shareOut(new double[] {100, 1, 1, 1, 1}, 100, 0.4);
        assertThat(rates[0]).isCloseTo(40, within(1e-9));
        assertThat(Arrays.stream(rates).sum()).isCloseTo(100, within(1e-9));
        assertThat(rates[1]).isCloseTo(15, within(1e-9));
    }
}
