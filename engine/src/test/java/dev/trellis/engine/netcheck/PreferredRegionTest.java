package dev.trellis.engine.netcheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The home region's choice and its hysteresis, on literal latencies. */
class PreferredRegionTest {
    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void withoutAPreviousHomeTheFastestWinsAndTiesGoToTheLowerId() {
        assertThat(PreferredRegion.choose(Map.of(), 0)).isZero();
        assertThat(PreferredRegion.choose(Map.of(3, ms(20), 5, ms(9), 8, ms(30)), 0)).isEqualTo(5);
        assertThat(PreferredRegion.choose(Map.of(4, ms(9), 2, ms(9)), 0)).isEqualTo(2);
    }

    @Test
    void thePreviousHomeStaysUnlessTheBestIsAThirdFaster() {
        // Exactly two thirds is not below two thirds: keep.
        assertThat(PreferredRegion.choose(Map.of(1, ms(30), 2, ms(20)), 1)).isEqualTo(1);
        assertThat(PreferredRegion.choose(Map.of(1, ms(30), 2, Duration.ofNanos(19_999_999)), 1)).isEqualTo(2);
        // The home stays even when it got slower, as long as nothing is a third faster than it now.
        assertThat(PreferredRegion.choose(Map.of(1, ms(100), 2, ms(70)), 1)).isEqualTo(1);
    }

    @Test
    void anUnreachablePreviousHomeIsReplaced() {
        assertThat(PreferredRegion.choose(Map.of(2, ms(50), 3, ms(40)), 1)).isEqualTo(3);
        assertThat(PreferredRegion.choose(Map.of(), 1)).isZero();
    }
}
