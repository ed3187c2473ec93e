package dev.trellis.engine.filter;

import static dev.trellis.engine.filter.FilterFixture.ME4;
import static dev.trellis.engine.filter.FilterFixture.ME6;
import static dev.trellis.engine.filter.FilterFixture.PEER4;
import static dev.trellis.engine.filter.FilterFixture.PEER6;
import static dev.trellis.engine.filter.FilterFixture.in;
import static dev.trellis.engine.filter.FilterFixture.out;
import static dev.trellis.engine.filter.FilterFixture.rule;
import static dev.trellis.engine.filter.Verdict.ACCEPT;
import static dev.trellis.engine.filter.Verdict.DROP;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Replies to this node's own flows, across filter swaps and idle timeouts; ICMP errors. */
class PacketFilterStateTest {
    private final FilterFixture fx = new FilterFixture();
    /** Accepts nothing inbound but ICMP from 100.64.0.99, which no test uses. */
    private final PacketFilter closed = fx.filter(rule("100.64.0.99", "*", 0, 65535, 1));

    @ParameterizedTest
    @CsvSource({"6, " + PEER4 + ", " + ME4, "17, " + PEER4 + ", " + ME4, "6, " + PEER6 + ", " + ME6, "17, " + PEER6 + ", " + ME6})
    void repliesToOurFlowsPassWithoutARule(int proto, String peer, String me) {
        assertThat(in(closed, packet(proto, peer, 443, me, 50000))).isEqualTo(DROP);
        out(closed, packet(proto, me, 50000, peer, 443));
        assertThat(in(closed, packet(proto, peer, 443, me, 50000))).isEqualTo(ACCEPT);
        assertThat(in(closed, packet(proto, peer, 443, me, 50001))).as("other local port").isEqualTo(DROP);
        assertThat(in(closed, packet(proto, peer, 444, me, 50000))).as("other remote port").isEqualTo(DROP);
        assertThat(in(closed, packet(proto, otherPeer(peer), 443, me, 50000)))
                .as("other remote").isEqualTo(DROP);
        assertThat(in(closed, packet(proto == 6 ? 17 : 6, peer, 443, me, 50000))).as("other protocol").isEqualTo(DROP);
        assertThat(fx.counters.snapshot().acceptedByFlow()).isEqualTo(1);
    }

    private static String otherPeer(String peer) {
        return peer.contains(":") ? "fd7a:115c:a1e0::7" : "100.64.0.7";
    }

    private static TestPackets packet(int proto, String src, int sport, String dst, int dport) {
        return proto == 6 ? TestPackets.tcp(src, sport, dst, dport) : TestPackets.udp(src, sport, dst, dport);
    }

    @Test
    void inboundTcpNeedsARuleOrAFlowAndAnyOutboundSegmentOpensOne() {
        assertThat(in(closed, TestPackets.tcp(PEER4, 22, ME4, 40000, 0x10))).as("bare ACK").isEqualTo(DROP);
        out(closed, TestPackets.tcp(ME4, 40000, PEER4, 22, 0x18)); // PSH|ACK, no SYN seen
        assertThat(in(closed, TestPackets.tcp(PEER4, 22, ME4, 40000, 0x10))).isEqualTo(ACCEPT);
    }

    @Test
    void echoRepliesMatchByIdentifier() {
        out(closed, TestPackets.echo(ME4, PEER4, true, 0x1234));
        out(closed, TestPackets.echo(ME6, PEER6, true, 0x4321));
        assertThat(in(closed, TestPackets.echo(PEER4, ME4, false, 0x1234))).isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.echo(PEER4, ME4, false, 0x1235))).isEqualTo(DROP);
        assertThat(in(closed, TestPackets.echo(PEER6, ME6, false, 0x4321))).isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.echo(PEER6, ME6, true, 0x4321))).as("a request is no reply").isEqualTo(DROP);
        out(closed, TestPackets.echo(ME4, PEER4, false, 0x7777)); // our reply opens nothing
        assertThat(in(closed, TestPackets.echo(PEER4, ME4, false, 0x7777))).isEqualTo(DROP);
    }

    @Test
    void establishedFlowsSurviveAFilterSwap() {
        PacketFilter open = fx.filter(rule("*", "*", 0, 65535));
        out(open, TestPackets.udp(ME4, 5353, PEER4, 53));
        out(open, TestPackets.tcp(ME6, 40000, PEER6, 443, 0x02));
        out(open, TestPackets.echo(ME4, PEER4, true, 9));
        PacketFilter next = fx.filter(rule("100.64.0.99", ME4, 1, 1));
        assertThat(in(next, TestPackets.udp(PEER4, 53, ME4, 5353))).isEqualTo(ACCEPT);
        assertThat(in(next, TestPackets.tcp(PEER6, 443, ME6, 40000, 0x12))).isEqualTo(ACCEPT);
        assertThat(in(next, TestPackets.echo(PEER4, ME4, false, 9))).isEqualTo(ACCEPT);
        assertThat(in(next, TestPackets.udp(PEER4, 53, ME4, 5354))).isEqualTo(DROP);
    }

    @Test
    void flowsTrackedUnderAllowAllOrDenyAllSurviveTheFirstPolicy() {
        out(PacketFilter.denyAll(fx.flows, fx.counters), TestPackets.udp(ME4, 1000, PEER4, 2000));
        out(PacketFilter.allowAll(fx.flows, fx.counters), TestPackets.udp(ME4, 1001, PEER4, 2000));
        out(PacketFilter.ALLOW_ALL, TestPackets.udp(ME4, 1002, PEER4, 2000)); // tracks nothing
        assertThat(in(closed, TestPackets.udp(PEER4, 2000, ME4, 1000))).isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.udp(PEER4, 2000, ME4, 1001))).isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.udp(PEER4, 2000, ME4, 1002))).isEqualTo(DROP);
    }

    @Test
    void flowsExpireAfterTheirIdleTimeAndTrafficRenewsThem() {
        out(closed, TestPackets.udp(ME4, 5353, PEER4, 53));
        out(closed, TestPackets.tcp(ME4, 40000, PEER4, 22));
        out(closed, TestPackets.echo(ME4, PEER4, true, 1));
        fx.advance(FlowTable.ICMP_IDLE.minusNanos(1));
        assertThat(in(closed, TestPackets.echo(PEER4, ME4, false, 1))).isEqualTo(ACCEPT); // renews
        fx.advance(FlowTable.ICMP_IDLE);
        assertThat(in(closed, TestPackets.echo(PEER4, ME4, false, 1))).isEqualTo(DROP);

        fx.advance(FlowTable.UDP_IDLE.minus(FlowTable.ICMP_IDLE.multipliedBy(2)).minusNanos(1));
        assertThat(in(closed, TestPackets.udp(PEER4, 53, ME4, 5353))).isEqualTo(ACCEPT);
        fx.advance(FlowTable.UDP_IDLE);
        assertThat(in(closed, TestPackets.udp(PEER4, 53, ME4, 5353))).isEqualTo(DROP);
        assertThat(in(closed, TestPackets.tcp(PEER4, 22, ME4, 40000))).isEqualTo(ACCEPT);
        fx.advance(FlowTable.TCP_IDLE.plusNanos(1));
        assertThat(in(closed, TestPackets.tcp(PEER4, 22, ME4, 40000))).isEqualTo(DROP);
        out(closed, TestPackets.tcp(ME4, 40000, PEER4, 22));
        assertThat(in(closed, TestPackets.tcp(PEER4, 22, ME4, 40000))).isEqualTo(ACCEPT);
    }

    @Test
    void icmpErrorsQuotingOurFlowsPass() {
        byte[] udp = TestPackets.udp(ME4, 5353, PEER4, 53).payload(40).build();
        byte[] tcp = TestPackets.tcp(ME6, 40000, PEER6, 443).payload(40).build();
        byte[] ping = TestPackets.echo(ME4, PEER4, true, 77).payload(56).build();
        out(closed, TestPackets.udp(ME4, 5353, PEER4, 53));
        out(closed, TestPackets.tcp(ME6, 40000, PEER6, 443));
        out(closed, TestPackets.echo(ME4, PEER4, true, 77));
        String router = "100.64.0.1";
        assertThat(in(closed, TestPackets.icmpError(PEER4, ME4, 3, 3, udp, 28))).as("port unreachable").isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.icmpError(router, ME4, 11, 0, ping, 28))).as("time exceeded").isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.icmpError("fd7a::1", ME6, 2, 0, tcp, 48))).as("too big").isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.icmpError(PEER4, ME4, 3, 1, udp, 1000))).as("whole quote").isEqualTo(ACCEPT);
        assertThat(fx.counters.snapshot().acceptedByFlow()).isEqualTo(4);
    }

    @Test
    void icmpErrorsQuotingOtherPacketsAreDropped() {
        out(closed, TestPackets.udp(ME4, 5353, PEER4, 53));
        byte[] otherPort = TestPackets.udp(ME4, 5354, PEER4, 53).build();
        byte[] notFromUs = TestPackets.udp("100.64.0.50", 5353, PEER4, 53).build();
        byte[] v6Quote = TestPackets.udp(ME6, 5353, PEER6, 53).build();
        byte[] udp = TestPackets.udp(ME4, 5353, PEER4, 53).build();
        assertThat(in(closed, TestPackets.icmpError(PEER4, ME4, 3, 3, otherPort, 28))).isEqualTo(DROP);
        assertThat(in(closed, TestPackets.icmpError(PEER4, ME4, 3, 3, notFromUs, 28))).isEqualTo(DROP);
        assertThat(in(closed, TestPackets.icmpError(PEER4, ME4, 3, 3, v6Quote, 48))).isEqualTo(DROP);
        assertThat(in(closed, TestPackets.icmpError(PEER4, ME4, 3, 3, udp, 27))).as("quote too short").isEqualTo(DROP);
        assertThat(in(closed, TestPackets.icmpError(PEER4, ME4, 5, 0, udp, 28))).as("redirect is no error").isEqualTo(DROP);
        assertThat(fx.dropped(DropReason.NO_RULE)).isEqualTo(5);
    }

    @Test
    void repliesToASubnetHostWeForwardedForPassThoughNotOurAddress() {
        out(closed, TestPackets.udp("192.168.1.5", 5353, PEER4, 53));
        assertThat(in(closed, TestPackets.udp(PEER4, 53, "192.168.1.5", 5353))).isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.udp(PEER4, 53, "192.168.1.6", 5353))).isEqualTo(DROP);
        assertThat(fx.dropped(DropReason.NOT_FOR_US)).isEqualTo(1);
    }

    @Test
    void laterFragmentsFollowTheirFirstFragmentsVerdict() {
        PacketFilter f = fx.filter(rule(PEER4, ME4, 53, 53), rule(PEER6, ME6, 53, 53));
        assertThat(in(f, TestPackets.udp(PEER4, 1, ME4, 53).payload(64).firstFragment(0x1111))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp(PEER4, 1, ME4, 53).payload(64).laterFragment(0x1111, 72, true))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp(PEER4, 1, ME4, 53).payload(64).laterFragment(0x1111, 144, false))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp(PEER4, 1, ME4, 53).payload(64).laterFragment(0x1112, 72, false)))
                .as("another datagram").isEqualTo(DROP);

        assertThat(in(f, TestPackets.udp(PEER6, 1, ME6, 54).payload(64).firstFragment(0x2222))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.udp(PEER6, 1, ME6, 54).payload(64).laterFragment(0x2222, 72, false)))
                .as("its first fragment was dropped").isEqualTo(DROP);
        assertThat(in(f, TestPackets.udp(PEER6, 1, ME6, 53).payload(64).extensions(60).firstFragment(0x3333))).isEqualTo(ACCEPT);
        assertThat(in(f, TestPackets.udp(PEER6, 1, ME6, 53).payload(64).extensions(60).laterFragment(0x3333, 72, false)))
                .isEqualTo(ACCEPT);
        assertThat(fx.dropped(DropReason.FRAGMENT)).isEqualTo(2);
        assertThat(fx.counters.snapshot().acceptedFragments()).isEqualTo(3);

        fx.advance(FlowTable.FRAGMENT_IDLE.plusNanos(1));
        assertThat(in(f, TestPackets.udp(PEER4, 1, ME4, 53).payload(64).laterFragment(0x1111, 216, false))).isEqualTo(DROP);
    }

    @Test
    void fragmentsThatCouldRewriteTheTransportHeaderAreMalformed() {
        PacketFilter f = fx.filter(rule("*", "*", 0, 65535));
        // A first fragment must carry the whole TCP header (RFC 1858's tiny fragment) ...
        byte[] tiny = TestPackets.tcp(PEER4, 1, ME4, 22).firstFragment(5).build();
        byte[] cut = java.util.Arrays.copyOf(tiny, 20 + 16);
        cut[3] = (byte) cut.length;
        assertThat(in(f, cut)).isEqualTo(DROP);
        // ... and a later one must not overlap it.
        assertThat(in(f, TestPackets.tcp(PEER4, 1, ME4, 22).payload(8).laterFragment(5, 8, false))).isEqualTo(DROP);
        assertThat(in(f, TestPackets.tcp(PEER4, 1, ME4, 22).payload(8).laterFragment(5, 16, false))).isEqualTo(DROP);
        assertThat(fx.dropped(DropReason.MALFORMED)).isEqualTo(3);
    }

    @Test
    void aFirstFragmentAcceptedByFlowAdmitsItsLaterFragments() {
        out(closed, TestPackets.udp(ME4, 5353, PEER4, 53));
        assertThat(in(closed, TestPackets.udp(PEER4, 53, ME4, 5353).payload(64).firstFragment(9))).isEqualTo(ACCEPT);
        assertThat(in(closed, TestPackets.udp(PEER4, 53, ME4, 5353).payload(64).laterFragment(9, 72, false))).isEqualTo(ACCEPT);
        assertThat(fx.counters.snapshot().acceptedFragments()).isEqualTo(1);
    }
}
