package dev.trellis.coordinator.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureLimiterTest {
    private final TestClock clock = new TestClock();
    private final FailureLimiter limiter = new FailureLimiter(3, Duration.ofMinutes(1), 100, clock);

    @Test
    void blocksAfterTheLimitUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.blockedForSeconds("k")).isZero();
            limiter.recordFailure("k");
        }
        assertThat(limiter.blockedForSeconds("k")).isBetween(59L, 60L);
        assertThat(limiter.blockedForSeconds("other")).isZero();

        clock.advance(Duration.ofSeconds(30));
        assertThat(limiter.blockedForSeconds("k")).isBetween(29L, 30L);
        clock.advance(Duration.ofSeconds(31));
        assertThat(limiter.blockedForSeconds("k")).isZero();
    }

    @Test
    void remembersABoundedNumberOfKeys() {
        for (int i = 0; i < 1000; i++) {
            limiter.recordFailure("addr" + i);
        }
        assertThat(limiter.size()).isEqualTo(100);
    }
}
