package dev.trellis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayLoadPartsTest {
    @Test
    void heapInfoSumsTheGenerationsOfTheSerialCollector() {
        String out = """
                8335:
                DefNew     total 19648K, used 8372K [0x0000000687400000, 0x0000000688950000, 0x0000000704d50000)
                 eden space 17472K,  35% used [0x0000000687400000, 0x0000000687a0d390, 0x0000000688510000)
                 from space 2176K, 100% used [0x0000000688730000, 0x0000000688950000, 0x0000000688950000)
                Tenured    total 43712K, used 2176K [0x0000000704d50000, 0x0000000707800000, 0x0000000800000000)
                 the  space 43712K,   4% used [0x0000000704d50000, 0x0000000704f701b0, 0x0000000707800000)
                 Metaspace       used 1234K, committed 1408K, reserved 1114112K
                """;
        assertThat(HeapInfo.usedKiB(out)).isEqualTo(8372 + 2176);
    }

    @Test
    void heapInfoWithoutGenerationsIsRefused() {
        assertThatThrownBy(() -> HeapInfo.usedKiB("1234:\nCould not attach")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GC.heap_info");
    }

    @Test
    void prometheusSumsLabelSetsAndSkipsComments() {
        Map<String, Double> m = Prometheus.parse("""
                # HELP trellis_relay_clients Nodes attached now.
                # TYPE trellis_relay_clients gauge
                trellis_relay_clients{region="900"} 200
                trellis_relay_packets_dropped_total{region="900",reason="queue_full"} 3
                trellis_relay_packets_dropped_total{region="900",reason="unknown_dest"} 4
                plain_total 1.5e3
                """);
        assertThat(Prometheus.value(m, "trellis_relay_clients")).isEqualTo(200);
        assertThat(Prometheus.value(m, "trellis_relay_packets_dropped_total")).isEqualTo(7);
        assertThat(Prometheus.value(m, "plain_total")).isEqualTo(1500);
        assertThat(Prometheus.value(m, "absent")).isZero();
    }

    @Test
    void prometheusRefusesALineWithoutAValue() {
        assertThatThrownBy(() -> Prometheus.parse("trellis_relay_clients{region=\"1\"} many"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Prometheus sample line");
    }

    @Test
    void idleCountsAscend() {
        assertThat(RelayLoad.idleCounts("1000,5000")).isEqualTo(List.of(1000, 5000));
        assertThat(RelayLoad.idleCounts(" 10 20 ")).isEqualTo(List.of(10, 20));
        assertThatThrownBy(() -> RelayLoad.idleCounts("5000,1000")).hasMessageContaining("ascend");
        assertThatThrownBy(() -> RelayLoad.idleCounts("0")).hasMessageContaining("positive");
    }

    @Test
    void machineCpuCountsIdleAndIowaitAsNotBusy() {
        MachineCpu c = MachineCpu.parse("cpu  100 5 50 1000 20 3 2 1 7 0\ncpu0 50 2 25 500 10 1 1 0 0 0\n");
        assertThat(c.totalTicks()).isEqualTo(100 + 5 + 50 + 1000 + 20 + 3 + 2 + 1);
        assertThat(c.busyTicks()).isEqualTo(100 + 5 + 50 + 3 + 2 + 1);
        assertThatThrownBy(() -> MachineCpu.parse("intr 1 2 3")).hasMessageContaining("not /proc/stat");
    }
}
