package dev.trellis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // unsorted on purpose: 100..1
        }
        Percentiles p = new Percentiles(v);
        assertThat(p.at(50)).isEqualTo(50);
        assertThat(p.at(99)).isEqualTo(99);
        assertThat(p.at(100)).isEqualTo(100);
        assertThat(p.max()).isEqualTo(100);
    }

    @Test
    void withTwentyValuesP99IsTheMaximum() {
        long[] v = new long[20];
        for (int i = 0; i < 20; i++) {
            v[i] = i + 1;
        }
        Percentiles p = new Percentiles(v);
        assertThat(p.at(50)).isEqualTo(10);
        assertThat(p.at(99)).isEqualTo(20);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Percentiles(new long[0])).hasMessageContaining("no values");
        assertThatThrownBy(() -> new Percentiles(new long[] {1}).at(0)).hasMessageContaining("(0, 100]");
    }
}
