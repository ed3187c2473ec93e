package dev.trellis.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysDoubleWithJitterUpToTheMaximumAndResetAfterSuccess() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (long ceiling : ceilings) {
            assertThat(b.next()).isBetween(Duration.ofMillis(ceiling / 2), Duration.ofMillis(ceiling));
        }
        b.reset();
        assertThat(b.next()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
