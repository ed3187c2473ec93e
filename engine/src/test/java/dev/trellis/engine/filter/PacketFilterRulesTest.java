package dev.trellis.engine.filter;

import static dev.trellis.engine.filter.FilterFixture.ME4;
import static dev.trellis.engine.filter.FilterFixture.ME6;
import static dev.trellis.engine.filter.FilterFixture.PEER4;
import static dev.trellis.engine.filter.FilterFixture.PEER6;
import static dev.trellis.engine.filter.FilterFixture.in;
import static dev.trellis.engine.filter.FilterFixture.rule;
import static dev.trellis.engine.filter.Verdict.ACCEPT;
import static dev.trellis.engine.filter.Verdict.DROP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.FilterRule.PortRange;
import dev.trellis.protocol.net.IpPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rule matching: protocols, port ranges, source and destination prefixes, "*", locality. */
class PacketFilterRulesTest {
    private final FilterFixture fx = new FilterFixture();

    @Test
    void tcpAndUdpMatchTheDestinationPortRangeInclusive() {
        PacketFilter f = fx.filter(rule(PEER4, ME4, 8000, 8080));
        for (int port : new int[] {8000, 8040, 8080}) {
            assertThat(in(f, TestPackets.tcp(PEER4, 40000, ME4, port, 0x02))).isEqualTo(ACCEPT);
            assertThat(in(f, TestPackets.udp(PEER4, 40000, ME4, port))).isEqualTo(ACCEPT);
        }
        for (int port : new int[] {0, 7999, 8081, 65535}) {
            assertThat(in(f, TestPackets.tcp(PEER4, 40000, ME4, port, 0x02))).isEqualTo(DROP);
            assertThat(in(f, TestPackets.udp(PEER4, 40000, ME4, port))).isEqualTo(DROP);
        }
        assertThat(fx.dropped(DropReason.NO_RULE)).isEqualTo(8);
    }

    @Test
    void theSourcePortDoesNotMatter() {
        PacketFilter f = fx.filter(rule(PEER4, ME4, 22, 22));
        assertThat(in(f, TestPackets.tcp(PEER4, 22, ME4, 23, 0x02))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.tcp(PEER4, 1, ME4, 22, 0x02))).isEqualTo(ACCEPT);
    }

    @Test
    void icmpMatchesOnAddressesAlone() {
        PacketFilter f = fx.filter(rule(PEER4, ME4, 22, 22), rule(PEER6, ME6, 443, 443));
        assertThat(in(f, TestPackets.echo(PEER4, ME4, true, 7))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.echo(PEER6, ME6, true, 7))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.icmp(PEER4, ME4, 13, 0))).isEqualTo(ACCEPT); // timestamp
        assertThat(in(f, TestPackets.echo("100.64.0.9", ME4, true, 7))).isEqualTo(DROP);
    }

    @Test
    void anEmptyProtocolListMeansTcpUdpIcmpAndIcmpv6() {
        PacketFilter f = fx.filter(rule("*", "*", 0, 65535));
        assertThat(in(f, TestPackets.tcp(PEER4, 1, ME4, 80, 0x02))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp(PEER6, 1, ME6, 53))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.echo(PEER4, ME4, true, 1))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.echo(PEER6, ME6, true, 1))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.sctp(PEER4, 1, ME4, 80))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.raw(TestPackets.GRE, PEER4, ME4).payload(20))).isEqualTo(DROP);
    }

    @Test
    void anExplicitProtocolListIsTakenLiterally() {
        PacketFilter f = fx.filter(rule("*", "*", 0, 65535, 6));
        assertThat(in(f, TestPackets.tcp(PEER4, 1, ME4, 80, 0x02))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp(PEER4, 1, ME4, 80))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.echo(PEER4, ME4, true, 1))).isEqualTo(DROP);
        PacketFilter icmpOnly = fx.filter(rule("*", "*", 0, 65535, 1));
        assertThat(in(icmpOnly, TestPackets.echo(PEER4, ME4, true, 1))).isEqualTo(ACCEPT);
        assertThat(in(icmpOnly, TestPackets.echo(PEER6, ME6, true, 1))).as("ICMPv6 is 58").isEqualTo(DROP);
    }

    @Test
    void sctpMatchesPortsAndPortlessProtocolsNeedEveryPort() {
        PacketFilter f = fx.filter(
                rule(PEER4, ME4, 5000, 5000, 132, 47),
                rule(PEER6, ME6, 0, 65535, 47));
        assertThat(in(f, TestPackets.sctp(PEER4, 1, ME4, 5000))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.sctp(PEER4, 1, ME4, 5001))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.raw(47, PEER4, ME4).payload(8))).as("GRE, port-limited rule").isEqualTo(DROP);
        assertThat(in(f, TestPackets.raw(47, PEER6, ME6).payload(8))).as("GRE, all ports").isEqualTo(ACCEPT);
    }

    @Test
    void sourcesMatchPrefixesAddressesAndStarInBothFamilies() {
        PacketFilter f = fx.filter(rule(List.of("100.64.0.0/30", "fd7a:115c:a1e0::/124", "100.64.7.7"),
                List.of(new PortRange("*", 80, 80))));
        assertThat(in(f, TestPackets.tcp("100.64.0.1", 1, ME4, 80))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.tcp("100.64.0.4", 1, ME4, 80))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.tcp("100.64.7.7", 1, ME4, 80))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.tcp("100.64.7.8", 1, ME4, 80))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.tcp("fd7a:115c:a1e0::f", 1, ME6, 80))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.tcp("fd7a:115c:a1e0::10", 1, ME6, 80))).isEqualTo(DROP);

        PacketFilter any = fx.filter(rule("*", ME6, 80, 80));
        assertThat(in(any, TestPackets.tcp("2001:db8::1", 1, ME6, 80))).isEqualTo(ACCEPT);
        assertThat(in(any, TestPackets.tcp("10.1.2.3", 1, ME4, 80))).as("destination is v6 only").isEqualTo(DROP);
    }

    @Test
    void prefixBoundariesAtEveryByteOfAnIpv6Address() {
        PacketFilter f = fx.filter(rule(List.of("fd7a:115c:a1e0:ab12:4843:cd96:6258:b240/121"),
                List.of(new PortRange("*", 0, 65535))));
        assertThat(in(f, TestPackets.udp("fd7a:115c:a1e0:ab12:4843:cd96:6258:b27f", 1, ME6, 9))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp("fd7a:115c:a1e0:ab12:4843:cd96:6258:b2c0", 1, ME6, 9))).isEqualTo(DROP);
        PacketFilter slash64 = fx.filter(rule("fd7a:115c:a1e0:ab12::/64", "*", 0, 65535));
        assertThat(in(slash64, TestPackets.udp("fd7a:115c:a1e0:ab12:ffff::1", 1, ME6, 9))).isEqualTo(ACCEPT);
        assertThat(in(slash64, TestPackets.udp("fd7a:115c:a1e0:ab13::1", 1, ME6, 9))).isEqualTo(DROP);
        PacketFilter slash0 = fx.filter(rule("::/0", "*", 0, 65535));
        assertThat(in(slash0, TestPackets.udp("2001:db8::1", 1, ME6, 9))).isEqualTo(ACCEPT);
        assertThat(in(slash0, TestPackets.udp(PEER4, 1, ME4, 9))).isEqualTo(DROP);
    }

    @Test
    void aDestinationThatIsNotOursIsDroppedUnlessARuleNamesIt() {
        PacketFilter f = fx.filter(rule("*", "*", 22, 22), rule(PEER4, "192.168.1.0/24", 443, 443));
        assertThat(in(f, TestPackets.tcp(PEER4, 1, "100.64.0.4", 22))).isEqualTo(DROP);
        assertThat(fx.dropped(DropReason.NOT_FOR_US)).as("'*' means any of ours, not any").isEqualTo(1);
        assertThat(in(f, TestPackets.tcp(PEER4, 1, "192.168.1.20", 443))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.tcp(PEER4, 1, "192.168.1.20", 80)))
                .as("the subnet is ours now, but port 80 is not open").isEqualTo(DROP);
        assertThat(fx.dropped(DropReason.NO_RULE)).isEqualTo(1);
        assertThat(in(f, TestPackets.tcp("100.64.0.9", 1, "192.168.1.20", 443))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.tcp("100.64.0.9", 1, "192.168.1.20", 22)))
                .as("a named subnet is ours, so '*' covers it too (as Tailscale's local routes)").isEqualTo(ACCEPT);
    }

    @Test
    void localRoutesMakeDestinationsOurs() {
        PacketFilter f = PacketFilter.compile(List.of(rule("*", "*", 0, 65535)),
                List.of(IpPrefix.parse(ME4), IpPrefix.parse("10.0.0.0/8")), fx.flows, fx.counters);
        assertThat(in(f, TestPackets.udp(PEER4, 1, "10.9.9.9", 53))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp(PEER4, 1, "11.0.0.1", 53))).isEqualTo(DROP);
    }

    @Test
    void theFirstMatchingRuleIsCounted() {
        PacketFilter f = fx.filter(rule(PEER6, ME6, 1, 1), rule("*", "*", 0, 65535), rule(PEER4, ME4, 80, 80));
        in(f, TestPackets.tcp(PEER4, 1, ME4, 80));
        in(f, TestPackets.tcp(PEER6, 1, ME6, 1));
        in(f, TestPackets.tcp(PEER6, 1, ME6, 1));
        assertThat(fx.counters.snapshot().acceptedByRule()).containsExactly(2L, 1L, 0L);
    }

    @Test
    void buffersWithOffsetsAnyByteOrderAndDirectMemoryAreReadAlike() {
        PacketFilter f = fx.filter(rule(PEER6, ME6, 80, 80));
        byte[] p = TestPackets.tcp(PEER6, 1, ME6, 80).build();
        ByteBuffer direct = ByteBuffer.allocateDirect(p.length + 50).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(30, p);
        assertThat(f.inbound(direct, 30, p.length)).isEqualTo(ACCEPT);
        assertThat(direct.position()).isZero();
        assertThat(direct.limit()).isEqualTo(p.length + 50);
        assertThatThrownBy(() -> f.inbound(ByteBuffer.wrap(p), 1, p.length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void allowAllDenyAllAndTheirFactories() {
        assertThat(PacketFilter.ALLOW_ALL.inbound(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0, 3)).isEqualTo(ACCEPT);
        byte[] p = TestPackets.tcp(PEER4, 1, ME4, 80).build();
        assertThat(PacketFilter.DENY_ALL.inbound(ByteBuffer.wrap(p), 0, p.length)).isEqualTo(DROP);
        PacketFilter allow = PacketFilter.allowAll(fx.flows, fx.counters);
        PacketFilter deny = PacketFilter.denyAll(fx.flows, fx.counters);
        assertThat(in(allow, p)).isEqualTo(ACCEPT);
        assertThat(in(deny, p)).isEqualTo(DROP);
        assertThat(fx.counters.snapshot().acceptedUnfiltered()).isEqualTo(1);
        assertThat(fx.dropped(DropReason.NO_FILTER)).isEqualTo(1);
        assertThat(allow).hasToString("PacketFilter[allow all]");
        assertThat(fx.filter(FilterRule.ALLOW_ALL.toArray(FilterRule[]::new))).hasToString("PacketFilter[1 rules]");
    }

    @Test
    void theStandardAllowAllRuleAcceptsTheDefaultProtocolsToUs() {
        PacketFilter f = fx.filter(FilterRule.ALLOW_ALL.toArray(FilterRule[]::new));
        assertThat(in(f, TestPackets.tcp("203.0.113.1", 1, ME4, 1, 0x02))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp("2001:db8::1", 1, ME6, 65535))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.tcp(PEER4, 1, "8.8.8.8", 80))).isEqualTo(DROP);
    }

    @Test
    void invalidRulesAreRefusedWithTheRuleAndValueNamed() {
        assertThatThrownBy(() -> fx.filter(rule("*", "*", 0, 1), rule("100.64.0.300", "*", 0, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule 1").hasMessageContaining("100.64.0.300");
        assertThatThrownBy(() -> fx.filter(rule("*", "10.0.0.0/33", 0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("destination");
        assertThatThrownBy(() -> fx.filter(rule("*", "*", 10, 9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10-9");
        assertThatThrownBy(() -> fx.filter(rule("*", "*", 0, 65536)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536");
        assertThatThrownBy(() -> fx.filter(rule("*", "*", 0, 1, 256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
        assertThatThrownBy(() -> fx.filter(rule("example.com", "*", 0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("example.com");
    }

    @Test
    void aRuleWithNoSourcesOrNoDestinationsMatchesNothing() {
        PacketFilter f = fx.filter(new FilterRule(List.of(), List.of(new PortRange("*", 0, 65535)), List.of()),
                new FilterRule(List.of("*"), List.of(), List.of()));
        assertThat(in(f, TestPackets.udp(PEER4, 1, ME4, 1))).isEqualTo(DROP);
        assertThat(f.ruleCount()).isEqualTo(2);
    }
}
