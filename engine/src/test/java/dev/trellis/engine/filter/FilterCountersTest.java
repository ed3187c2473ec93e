package dev.trellis.engine.filter;

import static dev.trellis.engine.filter.FilterFixture.ME4;
import static dev.trellis.engine.filter.FilterFixture.ME6;
import static dev.trellis.engine.filter.FilterFixture.PEER4;
import static dev.trellis.engine.filter.FilterFixture.PEER6;
import static dev.trellis.engine.filter.FilterFixture.in;
import static dev.trellis.engine.filter.FilterFixture.out;
import static dev.trellis.engine.filter.FilterFixture.rule;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counters by rule, flow and drop reason; the rate-limited drop log. */
class FilterCountersTest {
    private final FilterFixture fx = new FilterFixture();
    private final PacketFilter f = fx.filter(rule(PEER4, ME4, 22, 22));

    @Test
    void theFirstDropOfAReasonIsLoggedThenAtMostOncePerInterval() {
        in(f, TestPackets.tcp(PEER4, 51234, ME4, 80, 0x02));
        in(f, TestPackets.tcp(PEER4, 51235, ME4, 80, 0x02));
        in(f, TestPackets.tcp(PEER4, 51236, ME4, 80, 0x02));
        assertThat(fx.log).containsExactly("dropped TCP 100.64.0.2:51234 → 100.64.0.3:80: no rule");
        in(f, new byte[] {0x45, 0, 0});
        assertThat(fx.log).hasSize(2);
        assertThat(fx.log.get(1)).isEqualTo("dropped 3-byte IPv4 packet: malformed (truncated IPv4 header)");
        fx.advance(FilterCounters.LOG_INTERVAL.minusNanos(1));
        in(f, TestPackets.tcp(PEER4, 51237, ME4, 80, 0x02));
        assertThat(fx.log).hasSize(2);
        fx.advance(Duration.ofNanos(1));
        in(f, TestPackets.udp(PEER6, 1, ME6, 80));
        assertThat(fx.log).hasSize(3);
        assertThat(fx.log.get(2)).isEqualTo("dropped UDP [fd7a:115c:a1e0::2]:1 → [fd7a:115c:a1e0::3]:80: no rule");
        assertThat(fx.dropped(DropReason.NO_RULE)).isEqualTo(5);
        assertThat(fx.dropped(DropReason.MALFORMED)).isEqualTo(1);
    }

    @Test
    void dropsOfEveryKindAreDescribed() {
        in(f, TestPackets.echo("100.64.0.9", ME4, true, 1));
        in(f, TestPackets.udp(PEER4, 1, ME4, 53).payload(8).laterFragment(0x1111, 72, false));
        in(f, TestPackets.raw(47, PEER4, "10.0.0.1").payload(4));
        in(PacketFilter.denyAll(fx.flows, fx.counters), TestPackets.sctp(PEER4, 7, ME4, 9));
        assertThat(fx.log).containsExactly(
                "dropped ICMP type 8 code 0 100.64.0.9 → 100.64.0.3: no rule",
                "dropped UDP fragment (offset 72, id 4369) 100.64.0.2 → 100.64.0.3: fragment of no accepted datagram",
                "dropped IP protocol 47 100.64.0.2 → 10.0.0.1: destination is not this node",
                "dropped SCTP 100.64.0.2:7 → 100.64.0.3:9: no packet filter yet");
    }

    @Test
    void countsOutliveFilterVersionsAndExportAsFlatNames() {
        PacketFilter three = fx.filter(rule(PEER6, ME6, 1, 1), rule(PEER4, ME4, 1, 1), rule("*", "*", 0, 65535));
        in(three, TestPackets.udp(PEER4, 1, ME4, 1));
        PacketFilter one = fx.filter(rule(PEER4, ME4, 1, 1));
        in(one, TestPackets.udp(PEER4, 1, ME4, 1));
        out(one, TestPackets.udp(ME4, 2, PEER4, 3));
        in(one, TestPackets.udp(PEER4, 3, ME4, 2));
        in(one, TestPackets.udp(PEER4, 3, ME4, 4));
        FilterCounters.Snapshot s = fx.counters.snapshot();
        assertThat(s.acceptedByRule()).containsExactly(1L, 1L, 0L);
        assertThat(s.acceptedByFlow()).isEqualTo(1);
        assertThat(s.acceptedTotal()).isEqualTo(3);
        assertThat(s.droppedTotal()).isEqualTo(1);
        assertThat(s.asMap()).containsEntry("accepted.rule.0", 1L).containsEntry("accepted.rule.2", 0L)
                .containsEntry("accepted.flow", 1L).containsEntry("accepted.fragment", 0L)
                .containsEntry("accepted.unfiltered", 0L).containsEntry("dropped.no_rule", 1L)
                .containsEntry("dropped.not_for_us", 0L).containsEntry("dropped.malformed", 0L)
                .containsEntry("dropped.fragment", 0L).containsEntry("dropped.no_filter", 0L)
                .hasSize(3 + 3 + DropReason.values().length);
    }

    @Test
    void aFailingLogSinkDoesNotStopFiltering() {
        FilterCounters counters = new FilterCounters(() -> 0, line -> {
            throw new IllegalStateException("log is down");
        });
        PacketFilter p = PacketFilter.compile(List.of(), FilterFixture.LOCAL, fx.flows, counters);
        assertThat(in(p, TestPackets.udp(PEER4, 1, ME4, 1))).isEqualTo(Verdict.DROP);
        assertThat(counters.snapshot().dropped(DropReason.NO_RULE)).isEqualTo(1);
    }
}
