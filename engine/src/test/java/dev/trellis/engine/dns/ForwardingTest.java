package dev.trellis.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.engine.dns.FakeUpstream.Mode;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Forwarding against real UDP/TCP fake upstreams on 127.0.0.1. */
class ForwardingTest {
    /** Generous: the waits end as soon as the reply is there; this only bounds a failure. */
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration UPSTREAM_TIMEOUT = Duration.ofMillis(300);

    private MagicDns dns;
    private final List<FakeUpstream> upstreams = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        dns = new MagicDns(new MagicDns.Settings(1232, UPSTREAM_TIMEOUT, Duration.ofSeconds(3), 256));
        dns.setMap(new DnsMap("trellis.internal", Map.of("alice", List.of(InetAddress.ofLiteral("100.64.0.1")))));
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
        for (FakeUpstream u : upstreams) {
            u.close();
        }
    }

    private FakeUpstream upstream(Mode mode) throws Exception {
        FakeUpstream u = new FakeUpstream(mode);
        upstreams.add(u);
        return u;
    }

    private static DnsMessage query(int id, String name, Optional<Edns> edns) {
        return DnsMessage.query(id, DnsQuestion.of(name, DnsType.A), edns);
    }

    private DnsMessage ask(DnsMessage q) throws Exception {
        Replies r = new Replies();
        dns.receive(q.encode(), Replies.CLIENT, r);
        return DnsMessage.parse(r.await(WAIT));
    }

    @Test
    void forwardsOtherNamesAndRestoresTheClientsId() throws Exception {
        FakeUpstream u = upstream(Mode.ANSWER);
        dns.setUpstreams(List.of(u.address()));
        DnsMessage r = ask(query(0x1234, "Example.COM", Optional.empty()));
        assertThat(r.id()).isEqualTo(0x1234);
        assertThat(r.questions().getFirst().name().toString()).isEqualTo("Example.COM.");
        assertThat(r.answers()).extracting(a -> a.address().orElseThrow()).containsExactly(FakeUpstream.ANSWER);
        assertThat(u.udpQueries).singleElement()
                .satisfies(q -> assertThat(q.questions().getFirst().name().toString()).isEqualTo("Example.COM."));
        DnsStats s = dns.stats();
        assertThat(s.forwarded()).isEqualTo(1);
        assertThat(s.localAnswers()).isZero();
        // Tailnet names never go upstream.
        assertThat(ask(query(1, "bob.trellis.internal", Optional.empty())).rcode()).isEqualTo(DnsRcode.NXDOMAIN);
        assertThat(u.udpIds).hasSize(1);
    }

    @Test
    void forwardsToAnIpv6Upstream() throws Exception {
        FakeUpstream u = new FakeUpstream(Mode.TRUNCATE, InetAddress.ofLiteral("::1"));
        upstreams.add(u);
        dns.setUpstreams(List.of(u.address()));
        DnsMessage r = ask(query(0x0606, "v6.example", Optional.empty()));
        assertThat(r.id()).isEqualTo(0x0606);
        assertThat(r.answers()).hasSize(1);
        assertThat(u.tcpIds).hasSize(1);
    }

    @Test
    void idsAreRandomizedPerForwardedQuery() throws Exception {
        FakeUpstream u = upstream(Mode.ANSWER);
        dns.setUpstreams(List.of(u.address()));
        for (int i = 0; i < 40; i++) {
            assertThat(ask(query(0x0007, "n" + i + ".example", Optional.empty())).id()).isEqualTo(7);
        }
        Set<Integer> distinct = new HashSet<>(u.udpIds);
        // 40 draws from 65536 values: a repeat is possible, many repeats mean no randomness.
        assertThat(distinct).hasSizeGreaterThan(35);
        assertThat(u.udpIds.stream().filter(id -> id == 7).count()).isLessThanOrEqualTo(1);
    }

    @Test
    void aSpoofedAnswerWithTheWrongIdIsIgnored() throws Exception {
        FakeUpstream u = upstream(Mode.SPOOF_WRONG_ID);
        dns.setUpstreams(List.of(u.address()));
        DnsMessage r = ask(query(9, "bank.example", Optional.empty()));
        assertThat(r.answers()).extracting(a -> a.address().orElseThrow()).containsExactly(FakeUpstream.ANSWER);
        assertThat(dns.stats().ignoredResponses()).isEqualTo(1);
    }

    @Test
    void aSpoofedAnswerFromAnotherPortIsIgnored() throws Exception {
        FakeUpstream u = upstream(Mode.SPOOF_OTHER_PORT);
        dns.setUpstreams(List.of(u.address()));
        DnsMessage r = ask(query(9, "bank.example", Optional.empty()));
        assertThat(r.answers()).extracting(a -> a.address().orElseThrow()).containsExactly(FakeUpstream.ANSWER);
    }

    @Test
    void aSilentUpstreamIsSkippedAfterItsTimeout() throws Exception {
        FakeUpstream silent = upstream(Mode.SILENT);
        FakeUpstream good = upstream(Mode.ANSWER);
        dns.setUpstreams(List.of(silent.address(), good.address()));
        long start = System.nanoTime();
        DnsMessage r = ask(query(3, "slow.example", Optional.empty()));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.answers()).hasSize(1);
        assertThat(tookMillis).isGreaterThanOrEqualTo(UPSTREAM_TIMEOUT.toMillis() - 5);
        assertThat(silent.udpIds).hasSize(1);
        assertThat(dns.stats().upstreamFailures()).isEqualTo(1);
    }

    @Test
    void servfailMovesOnToTheNextUpstream() throws Exception {
        FakeUpstream failing = upstream(Mode.SERVFAIL);
        FakeUpstream good = upstream(Mode.ANSWER);
        dns.setUpstreams(List.of(failing.address(), good.address()));
        assertThat(ask(query(3, "a.example", Optional.empty())).rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(failing.udpIds).hasSize(1);
        assertThat(good.udpIds).hasSize(1);
    }

    @Test
    void aClosedPortFailsFastAndMovesOn() throws Exception {
        InetSocketAddress closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            closed = new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
        FakeUpstream good = upstream(Mode.ANSWER);
        dns.setUpstreams(List.of(closed, good.address()));
        assertThat(ask(query(3, "a.example", Optional.empty())).answers()).hasSize(1);
        assertThat(dns.stats().upstreamFailures()).isEqualTo(1);
    }

    @Test
    void whenEveryUpstreamFailsTheClientGetsServfail() throws Exception {
        FakeUpstream a = upstream(Mode.SILENT);
        FakeUpstream b = upstream(Mode.SERVFAIL);
        dns.setUpstreams(List.of(a.address(), b.address()));
        DnsMessage r = ask(query(0x5555, "down.example", Optional.of(Edns.of(1400))));
        assertThat(r.id()).isEqualTo(0x5555);
        assertThat(r.rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(r.edns()).contains(Edns.of(1232));
        assertThat(dns.stats().servfails()).isEqualTo(1);
        assertThat(dns.stats().upstreamFailures()).isEqualTo(2);
    }

    @Test
    void theWholeQueryHasADeadline() throws Exception {
        dns.close();
        dns = new MagicDns(new MagicDns.Settings(1232, Duration.ofSeconds(30), Duration.ofMillis(400), 256));
        FakeUpstream silent = upstream(Mode.SILENT);
        dns.setUpstreams(List.of(silent.address()));
        long start = System.nanoTime();
        assertThat(ask(query(1, "x.example", Optional.empty())).rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void truncatedUpstreamAnswersAreAskedAgainOverTcp() throws Exception {
        FakeUpstream u = upstream(Mode.TRUNCATE);
        u.records = 40; // 12 + 17 + 40 * 16 = 669 bytes: over 512, under 1232
        dns.setUpstreams(List.of(u.address()));
        DnsMessage r = ask(query(77, "many.example", Optional.of(Edns.of(1232))));
        assertThat(r.id()).isEqualTo(77);
        assertThat(r.isTruncated()).isFalse();
        assertThat(r.answers()).hasSize(40);
        assertThat(u.tcpIds).hasSize(1);
        assertThat(dns.stats().tcpRetries()).isEqualTo(1);

        // A client without EDNS gets what fits in 512 bytes, with TC so it retries over TCP.
        Replies small = new Replies();
        dns.receive(query(78, "many.example", Optional.empty()).encode(), Replies.CLIENT, small);
        byte[] wire = small.await(WAIT);
        assertThat(wire.length).isLessThanOrEqualTo(512);
        DnsMessage cut = DnsMessage.parse(wire);
        assertThat(cut.isTruncated()).isTrue();
        assertThat(cut.answers()).hasSizeBetween(1, 39);
        assertThat(cut.id()).isEqualTo(78);
        assertThat(dns.stats().truncated()).isEqualTo(1);

        // Over TCP from the client, the whole answer.
        Replies tcp = new Replies();
        dns.receiveTcp(query(79, "many.example", Optional.empty()).encode(), Replies.CLIENT, tcp);
        assertThat(DnsMessage.parse(tcp.await(WAIT)).answers()).hasSize(40);
    }

    @Test
    void largeUdpAnswersAreCutToTheClientsSizeAndOptReplaced() throws Exception {
        FakeUpstream u = upstream(Mode.ANSWER);
        u.records = 100; // 1629 bytes: over our 1232
        dns.setUpstreams(List.of(u.address()));
        Replies r = new Replies();
        dns.receive(query(5, "big.example", Optional.of(Edns.of(4096))).encode(), Replies.CLIENT, r);
        byte[] wire = r.await(WAIT);
        assertThat(wire.length).isLessThanOrEqualTo(1232);
        DnsMessage m = DnsMessage.parse(wire);
        assertThat(m.isTruncated()).isTrue();
        assertThat(m.edns()).contains(Edns.of(1232)); // ours, not the upstream's 4096
        assertThat(u.udpQueries.getFirst().edns().orElseThrow().udpPayloadSize()).isEqualTo(4096);
    }

    @Test
    void tooManyForwardsInFlightAreRefusedAtOnce() throws Exception {
        dns.close();
        dns = new MagicDns(new MagicDns.Settings(1232, Duration.ofSeconds(2), Duration.ofSeconds(2), 2));
        FakeUpstream silent = upstream(Mode.SILENT);
        dns.setUpstreams(List.of(silent.address()));
        Replies a = new Replies();
        Replies b = new Replies();
        dns.receive(query(1, "a.example", Optional.empty()).encode(), Replies.CLIENT, a);
        dns.receive(query(2, "b.example", Optional.empty()).encode(), Replies.CLIENT, b);
        Replies c = new Replies();
        dns.receive(query(3, "c.example", Optional.empty()).encode(), Replies.CLIENT, c);
        assertThat(DnsMessage.parse(c.now()).rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(dns.stats().overloaded()).isEqualTo(1);
        // The two in flight end with SERVFAIL at their deadline, and free their slots.
        assertThat(DnsMessage.parse(a.await(WAIT)).rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(DnsMessage.parse(b.await(WAIT)).rcode()).isEqualTo(DnsRcode.SERVFAIL);
        silent.mode = Mode.ANSWER;
        assertThat(ask(query(4, "d.example", Optional.empty())).rcode()).isEqualTo(DnsRcode.NOERROR);
    }

    @Test
    void receiveNeverBlocksOnASlowUpstream() throws Exception {
        dns.close();
        dns = new MagicDns(new MagicDns.Settings(1232, Duration.ofSeconds(20), Duration.ofSeconds(20), 256));
        FakeUpstream silent = upstream(Mode.SILENT);
        dns.setUpstreams(List.of(silent.address()));
        Replies r = new Replies();
        long start = System.nanoTime();
        dns.receive(query(1, "a.example", Optional.empty()).encode(), Replies.CLIENT, r);
        // Returns long before the upstream's 20 s are up (the margin allows for a loaded machine).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.calls.get()).isZero();
    }

    @Test
    void closeStopsForwardingWithoutReplies() throws Exception {
        FakeUpstream silent = upstream(Mode.SILENT);
        dns.setUpstreams(List.of(silent.address()));
        Replies r = new Replies();
        dns.receive(query(1, "a.example", Optional.empty()).encode(), Replies.CLIENT, r);
        dns.close();
        Replies later = new Replies();
        dns.receive(query(2, "b.example", Optional.empty()).encode(), Replies.CLIENT, later);
        assertThat(later.calls.get()).isZero();
        // Local answers still work after close: they need no thread.
        assertThat(Replies.ask(dns, DnsMessage.query(3, DnsQuestion.of("alice", DnsType.A), Optional.empty()))
                .answers()).hasSize(1);
    }
}
