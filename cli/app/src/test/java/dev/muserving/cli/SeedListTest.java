package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.muserving.api.BadInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SeedListTest {

    @Test
    void aRangeListsEverySeedInItOnce() {
        assertThat(SeedList.parse("3..6")).containsExactly(3L, 4L, 5L, 6L);
        assertThat(SeedList.parse("9, 1,4")).containsExactly(9L, 1L, 4L);
    }

    /** Found by an outside probe: the count overflowed past the limit, and the loop never ended at the top. */
    @Test
    void rangesAtTheLargestSeedEndAndAreHeldToTheLimit() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(SeedList.parse("9223372036854775806..9223372036854775807"))
                    .containsExactly(Long.MAX_VALUE - 1, Long.MAX_VALUE);
            assertThatThrownBy(() -> SeedList.parse("0..9223372036854775807"))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("at most 1000 seeds");
            assertThatThrownBy(() -> SeedList.parse("9223372036854775807..9223372036854775807"))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("give two seeds or more");
        });
        assertThat(SeedList.parse("1..1000")).hasSize(1000);
        assertThatThrownBy(() -> SeedList.parse("1..1001")).hasMessageContaining("at most 1000 seeds");
    }
}
