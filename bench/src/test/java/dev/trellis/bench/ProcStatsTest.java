package dev.trellis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatsTest {
    private static final String STATUS = "Name:\tjava\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t20\n";

    @Test
    void readsCpuTicksAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 20 0 100 1 1 "
                + "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcStats s = ProcStats.parse(stat, STATUS);
        assertThat(s.userTicks()).isEqualTo(1234);
        assertThat(s.systemTicks()).isEqualTo(567);
        assertThat(s.cpuTicks()).isEqualTo(1801);
        assertThat(s.rssKiB()).isEqualTo(102400);
        assertThat(s.hwmKiB()).isEqualTo(204800);
    }

    @Test
    void ownProcessIsReadable() throws Exception {
        ProcStats s = ProcStats.read(ProcessHandle.current().pid());
        assertThat(s.rssKiB()).isPositive();
        assertThat(s.hwmKiB()).isGreaterThanOrEqualTo(s.rssKiB());
    }

    @Test
    void somethingElseIsRefusedWithTheReason() {
        assertThatThrownBy(() -> ProcStats.parse("garbage", STATUS)).hasMessageContaining("not a /proc/PID/stat line");
        assertThatThrownBy(() -> ProcStats.parse("1 (x) S 1", STATUS)).hasMessageContaining("too few fields");
        assertThatThrownBy(() -> ProcStats.parse("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14", "Name: x\n"))
                .hasMessageContaining("no VmRSS");
    }
}
