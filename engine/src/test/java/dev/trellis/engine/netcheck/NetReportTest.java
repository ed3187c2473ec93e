package dev.trellis.engine.netcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's invariants and its human summary. */
class NetReportTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void describeSummarisesFastestRegionFirstAndMarksTcpOnlyRegions() {
        NetReport r = new NetReport(true, new InetSocketAddress("198.18.1.2", 41641),
                new InetSocketAddress("2001:db8::2", 41641), false,
                Map.of(1, Duration.ofNanos(3_200_000), 2, Duration.ofMillis(12), 3, Duration.ofMillis(40)),
                Map.of(1, Duration.ofNanos(3_200_000), 2, Duration.ofMillis(12)), Map.of(1, Duration.ofMillis(4)), 1, AT);

        assertThat(r.describe(Maps.map(Maps.region(1, Maps.relay("a", "127.0.0.1", 443, 3478)))))
                .containsExactly("UDP: true", "IPv4: 198.18.1.2:41641", "IPv6: [2001:db8:0:0:0:0:0:2]:41641",
                        "MappingVariesByDestIP: false", "Nearest relay: 1 (r1) 3.2 ms",
                        "  - 1 (r1): 3.2 ms", "  - 2: 12.0 ms", "  - 3: 40.0 ms (TCP)");
    }

    @Test
    void aReportWithNothingSaysSo() {
        NetReport r = new NetReport(false, null, null, null, Map.of(), Map.of(), Map.of(), 0, AT);

        assertThat(r.describe()).containsExactly("UDP: false", "IPv4: (none)", "IPv6: (none)",
                "MappingVariesByDestIP: (unknown)", "Nearest relay: (none reachable)");
    }

    @Test
    void thePreferredRegionMustHaveALatencyAndTheMapsAreCopies() {
        assertThatThrownBy(() -> new NetReport(false, null, null, null, Map.of(), Map.of(), Map.of(), 4, AT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("preferred region 4");
        Map<Integer, Duration> latency = new HashMap<>(Map.of(1, Duration.ofMillis(1)));
        NetReport r = new NetReport(false, null, null, null, latency, Map.of(), Map.of(), 1, AT);
        latency.clear();
        assertThat(r.regionLatency()).containsOnlyKeys(1);
    }
}
