package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MuHeaderParserTest {

    @Test
    void readsAWellFormedResponse() {
        Map<String, String> headers = Map.of(
                MuHeaders.QUEUE_LENGTH, "3",
                MuHeaders.SERVICE_RATE, "22.5",
                MuHeaders.POD, "resize-arm64-7f9c",
                MuHeaders.ARCH, "arm64",
                MuHeaders.TIMESTAMP, "1763900000123");

        HeaderReport report = MuHeaderParser.parse(headers::get);

        assertThat(report.queueLength()).hasValue(3);
        assertThat(report.serviceRate()).hasValue(22.5);
        assertThat(report.pod()).hasValue("resize-arm64-7f9c");
        assertThat(report.arch()).hasValue(Arch.ARM64);
        assertThat(report.timestampMillis()).hasValue(1763900000123L);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-1", "1.5", "abc", "0x10", "1e3", "99999999999999999999", "2000000", " + 4"})
    void badQueueLengthIsAbsent(String raw) {
        assertThat(MuHeaderParser.queueLength(raw)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"-0.5", "NaN", "Infinity", "1e309", "0x1p3", "1.2.3", ".", "12,5"})
    void badRatesAndTimesAreAbsent(String raw) {
        assertThat(MuHeaderParser.nonNegativeDecimal(raw)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Pod_With_Caps", "-leading", "trailing-", "a b", "../etc"})
    void badPodNamesAreAbsent(String raw) {
        assertThat(MuHeaderParser.podName(raw)).isEmpty();
    }

    @Test
    void aPodNameIsExactlyADns1123Subdomain() {
        java.util.regex.Pattern dns1123 = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        String alphabet = "ab9-._AZ/ ";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder name = new StringBuilder();
            int length = n % 10 == 0 ? 250 + random.nextInt(6) : random.nextInt(6);
            for (int i = 0; i < length; i++) {
                name.append(alphabet.charAt(random.nextInt(n % 2 == 0 ? 4 : alphabet.length())));
            }
            assertThat(MuHeaderParser.isPodName(name.toString())).as("'%s'", name).isEqualTo(dns1123.matcher(name).matches());
        }
        assertThat(MuHeaderParser.isPodName("a".repeat(253))).isTrue();
        assertThat(MuHeaderParser.isPodName("a".repeat(254))).isFalse();
        assertThat(MuHeaderParser.isPodName("fn-amd64-7c9f.x")).isTrue();
        assertThat(MuHeaderParser.isPodName(null)).isFalse();
    }

    @Test
    void unknownArchitectureIsAbsent() {
        HeaderReport report = MuHeaderParser.parse(Map.of(MuHeaders.ARCH, "riscv64")::get);
        assertThat(report.arch()).isEmpty();
        assertThat(report.isEmpty()).isTrue();
    }

    @Test
    void neverThrowsOnArbitraryBytes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            Map<String, String> headers = new HashMap<>();
            for (String name : MuHeaders.ALL) {
                headers.put(name, randomString(random));
            }
            HeaderReport report = MuHeaderParser.parse(headers::get);
            report.queueLength().ifPresent(q -> assertThat(q).isBetween(0, MuHeaderParser.MAX_QUEUE_LENGTH));
            report.serviceRate().ifPresent(r -> assertThat(r).isFinite().isNotNegative());
        }
    }

    @Test
    void badFieldsKeepTheLastGoodState() {
        PodHeaderState state = new PodHeaderState("p-1", Arch.AMD64, 4, 20.0, 1_000);
        HeaderReport report = MuHeaderParser.parse(Map.of(
                MuHeaders.QUEUE_LENGTH, "7",
                MuHeaders.SERVICE_RATE, "fast",
                MuHeaders.TIMESTAMP, "2000")::get);

        PodHeaderState next = state.updatedWith(report, 2_100);

        assertThat(next.queueLength()).isEqualTo(7);
        assertThat(next.serviceRate()).isEqualTo(20.0);
        assertThat(next.measuredAtMillis()).isEqualTo(2_000);
    }

    @Test
    void anOlderReportDoesNotOverwriteANewerOne() {
        PodHeaderState state = new PodHeaderState("p-1", Arch.AMD64, 4, 20.0, 5_000);
        HeaderReport late = MuHeaderParser.parse(Map.of(MuHeaders.QUEUE_LENGTH, "9", MuHeaders.TIMESTAMP, "4000")::get);

        assertThat(state.updatedWith(late, 5_100)).isSameAs(state);
    }

    @Test
    void aReportFromAnotherPodOrArchitectureIsNotCreditedToThisOne() {
        PodHeaderState state = new PodHeaderState("echo-1", Arch.AMD64, 4, 20.0, 1_000);
        HeaderReport replacement = MuHeaderParser.parse(Map.of(MuHeaders.QUEUE_LENGTH, "0", MuHeaders.POD, "echo-2",
                MuHeaders.ARCH, "amd64", MuHeaders.TIMESTAMP, "2000")::get);
        assertThat(state.isAbout(replacement)).isFalse();
        assertThat(state.updatedWith(replacement, 2_100)).isSameAs(state);
        HeaderReport wrongArch = MuHeaderParser.parse(Map.of(MuHeaders.QUEUE_LENGTH, "0", MuHeaders.POD, "echo-1",
                MuHeaders.ARCH, "arm64", MuHeaders.TIMESTAMP, "2000")::get);
        assertThat(state.updatedWith(wrongArch, 2_100)).isSameAs(state);
        HeaderReport itself = MuHeaderParser.parse(Map.of(MuHeaders.QUEUE_LENGTH, "0", MuHeaders.POD, "echo-1",
                MuHeaders.ARCH, "amd64", MuHeaders.TIMESTAMP, "2000")::get);
        assertThat(state.updatedWith(itself, 2_100).queueLength()).isZero();
        PodHeaderState byAddress = new PodHeaderState("10.0.0.7:8012", Arch.AMD64, 4, 20.0, 1_000);
        assertThat(byAddress.updatedWith(replacement, 2_100).queueLength()).as("a pod known by its address takes any name").isZero();
    }

    @Test
    void aReportWithoutTimestampCountsAsMeasuredOnArrival() {
        PodHeaderState state = PodHeaderState.unknown("p-1", Arch.ARM64);
        PodHeaderState next = state.updatedWith(MuHeaderParser.parse(Map.of(MuHeaders.QUEUE_LENGTH, "2")::get), 777);
        assertThat(next.measuredAtMillis()).isEqualTo(777);
        assertThat(next.ageMillis(1_000)).isEqualTo(223);
    }

    @Test
    void internalHeadersAreRecognisedInAnyCase() {
        assertThat(MuHeaders.isInternal("mu-queue-length")).isTrue();
        assertThat(MuHeaders.isInternal("MU-Anything")).isTrue();
        assertThat(MuHeaders.isInternal("Music")).isFalse();
        assertThat(MuHeaders.isInternal("X-Mu-Pod")).isFalse();
        assertThat(MuHeaders.isInternal(null)).isFalse();
    }

    private static String randomString(SplittableRandom random) {
        int length = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append((char) random.nextInt(0x20, 0x7f));
        }
        return sb.toString();
    }
}
