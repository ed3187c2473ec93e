package dev.trellis.engine.dns;

import static dev.trellis.engine.dns.Replies.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MagicDnsLocalTest {
    private MagicDns dns;

    static InetAddress ip(String s) {
        return InetAddress.ofLiteral(s);
    }

    static DnsMap tailnet() {
        Map<String, List<InetAddress>> hosts = new LinkedHashMap<>();
        hosts.put("alice", List.of(ip("100.64.0.1"), ip("fd7a:115c:a1e0::1")));
        hosts.put("bob.trellis.internal", List.of(ip("100.64.0.2")));
        hosts.put("db.prod", List.of(ip("100.64.0.3")));
        return new DnsMap("trellis.internal", hosts);
    }

    static DnsMessage query(String name, int type) {
        return DnsMessage.query(0x4242, DnsQuestion.of(name, type), Optional.empty());
    }

    @BeforeEach
    void start() {
        dns = new MagicDns(1232);
        dns.setMap(tailnet());
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void answersFullNamesAuthoritativelyKeepingTheQuestionsCase() throws Exception {
        DnsMessage r = ask(dns, query("ALICE.Trellis.Internal.", DnsType.A));
        assertThat(r.id()).isEqualTo(0x4242);
        assertThat(r.rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(r.isAuthoritative()).isTrue();
        assertThat(r.isRecursionDesired()).isTrue();
        assertThat(r.questions().getFirst().name().toString()).isEqualTo("ALICE.Trellis.Internal.");
        assertThat(r.answers()).singleElement().satisfies(a -> {
            assertThat(a.address()).contains(ip("100.64.0.1"));
            assertThat(a.ttl()).isEqualTo(600);
            assertThat(a.name().toString()).isEqualTo("ALICE.Trellis.Internal.");
        });
        assertThat(ask(dns, query("alice.trellis.internal", DnsType.AAAA)).answers())
                .extracting(rec -> rec.address().orElseThrow()).containsExactly(ip("fd7a:115c:a1e0::1"));
    }

    @Test
    void answersShortNames() throws Exception {
        assertThat(ask(dns, query("alice", DnsType.A)).answers()).singleElement()
                .satisfies(a -> assertThat(a.name().toString()).isEqualTo("alice."));
        assertThat(ask(dns, query("BOB", DnsType.A)).answers()).extracting(a -> a.address().orElseThrow())
                .containsExactly(ip("100.64.0.2"));
        // A multi-label relative name is not a short name: "db.prod." is someone else's.
        assertThat(ask(dns, query("db.prod.trellis.internal", DnsType.A)).answers()).hasSize(1);
        assertThat(ask(dns, query("db.prod", DnsType.A)).rcode()).isEqualTo(DnsRcode.SERVFAIL); // forwarded
        // Short names answer addresses only; other types go to the world (no upstream: SERVFAIL).
        assertThat(ask(dns, query("alice", DnsType.NS)).rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(ask(dns, query("alice", DnsType.ANY)).answers()).hasSize(2);
    }

    @Test
    void anyGivesBothFamilies() throws Exception {
        assertThat(ask(dns, query("alice.trellis.internal", DnsType.ANY)).answers()).hasSize(2);
    }

    @Test
    void unknownNamesUnderTheDomainAreNxdomainWithSoa() throws Exception {
        DnsMessage r = ask(dns, query("carol.trellis.internal", DnsType.A));
        assertThat(r.rcode()).isEqualTo(DnsRcode.NXDOMAIN);
        assertThat(r.isAuthoritative()).isTrue();
        assertThat(r.answers()).isEmpty();
        assertThat(r.authorities()).singleElement().satisfies(soa -> {
            assertThat(soa.type()).isEqualTo(DnsType.SOA);
            assertThat(soa.name()).isEqualTo(DnsName.parse("trellis.internal"));
            assertThat(soa.ttl()).isEqualTo(60);
        });
        assertThat(ask(dns, query("x.alice.trellis.internal", DnsType.A)).rcode()).isEqualTo(DnsRcode.NXDOMAIN);
    }

    @Test
    void knownNamesOfAnotherTypeAreNodata() throws Exception {
        DnsMessage r = ask(dns, query("bob.trellis.internal", DnsType.AAAA));
        assertThat(r.rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(r.answers()).isEmpty();
        assertThat(r.authorities()).extracting(DnsRecord::type).containsExactly(DnsType.SOA);
        assertThat(ask(dns, query("alice.trellis.internal", DnsType.MX)).answers()).isEmpty();
        // The apex and empty non-terminals exist too.
        assertThat(ask(dns, query("trellis.internal", DnsType.A)).rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(ask(dns, query("prod.trellis.internal", DnsType.A)).rcode()).isEqualTo(DnsRcode.NOERROR);
        assertThat(ask(dns, query("trellis.internal", DnsType.SOA)).answers()).extracting(DnsRecord::type)
                .containsExactly(DnsType.SOA);
    }

    @Test
    void otherClassesAreRefused() throws Exception {
        DnsMessage q = DnsMessage.query(1, new DnsQuestion(DnsName.parse("alice.trellis.internal"), DnsType.A, 3),
                Optional.empty());
        assertThat(ask(dns, q).rcode()).isEqualTo(DnsRcode.REFUSED);
    }

    @Test
    void reverseLookupsOfTunnelAddresses() throws Exception {
        DnsMessage r = ask(dns, query("1.0.64.100.in-addr.arpa", DnsType.PTR));
        assertThat(r.answers()).singleElement().satisfies(p -> {
            assertThat(p.targetName()).contains(DnsName.parse("alice.trellis.internal"));
            assertThat(p.ttl()).isEqualTo(600);
        });
        String v6 = ReverseNames.of(ip("fd7a:115c:a1e0::1")).toString();
        assertThat(v6).isEqualTo("1." + "0.".repeat(19) + "0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa."); // 32 nibbles
        assertThat(ask(dns, query(v6.toUpperCase(), DnsType.PTR)).answers()).singleElement()
                .satisfies(p -> assertThat(p.targetName()).contains(DnsName.parse("alice.trellis.internal")));
        DnsMessage unknown = ask(dns, query("99.0.64.100.in-addr.arpa", DnsType.PTR));
        assertThat(unknown.rcode()).isEqualTo(DnsRcode.NXDOMAIN);
        assertThat(unknown.authorities()).singleElement()
                .satisfies(soa -> assertThat(soa.name()).isEqualTo(DnsName.parse("64.100.in-addr.arpa")));
        assertThat(ask(dns, query("1.0.64.100.in-addr.arpa", DnsType.A)).rcode()).isEqualTo(DnsRcode.NOERROR);
        // Not ours: forwarded (and with no upstream, SERVFAIL).
        assertThat(ask(dns, query("1.0.0.10.in-addr.arpa", DnsType.PTR)).rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(ask(dns, query("1.0.0.100.in-addr.arpa", DnsType.PTR)).rcode()).isEqualTo(DnsRcode.SERVFAIL);
    }

    @Test
    void reverseNamesParseOnlyCompleteAddresses() {
        assertThat(ReverseNames.parse(DnsName.parse("0.64.100.in-addr.arpa"))).isEmpty();
        assertThat(ReverseNames.parse(DnsName.parse("01.0.64.100.in-addr.arpa"))).isEmpty();
        assertThat(ReverseNames.parse(DnsName.parse("256.0.64.100.in-addr.arpa"))).isEmpty();
        assertThat(ReverseNames.parse(DnsName.parse("1.0.64.100.in-addr.arpa"))).contains(ip("100.64.0.1"));
        assertThat(ReverseNames.parse(ReverseNames.of(ip("fd7a:115c:a1e0:ab12::cafe"))))
                .contains(ip("fd7a:115c:a1e0:ab12::cafe"));
        assertThat(ReverseNames.isTunnelAddress(ip("100.127.255.255"))).isTrue();
        assertThat(ReverseNames.isTunnelAddress(ip("100.128.0.1"))).isFalse();
        assertThat(ReverseNames.isTunnelAddress(ip("fd7a:115c:a1e1::1"))).isFalse();
    }

    @Test
    void setMapSwapsTheWholeSnapshot() throws Exception {
        dns.setMap(new DnsMap("other.net", Map.of("carol", List.of(ip("100.64.0.9")))));
        assertThat(ask(dns, query("carol.other.net", DnsType.A)).answers()).hasSize(1);
        assertThat(ask(dns, query("alice", DnsType.A)).rcode()).isEqualTo(DnsRcode.SERVFAIL); // forwarded now
        assertThat(dns.map().domain()).isEqualTo("other.net");
        dns.setMap(DnsMap.EMPTY);
        assertThat(ask(dns, query("carol.other.net", DnsType.A)).rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(ask(dns, query("1.0.64.100.in-addr.arpa", DnsType.PTR)).rcode()).isEqualTo(DnsRcode.SERVFAIL);
    }

    @Test
    void mapsAreValidated() {
        assertThatThrownBy(() -> new DnsMap("", Map.of("a", List.of()))).hasMessageContaining("need a tailnet domain");
        assertThatThrownBy(() -> new DnsMap("ts.net", Map.of("a..b", List.of()))).hasMessageContaining("empty label");
        assertThatThrownBy(() -> new DnsMap("ts.net", Map.of("ts.net", List.of()))).hasMessageContaining("domain itself");
        assertThatThrownBy(() -> new DnsMap("ts.net", Map.of("A", List.of(), "a.ts.net", List.of())))
                .hasMessageContaining("listed twice");
    }

    @Test
    void clientsEdnsGetsOurOptAndSize() throws Exception {
        DnsMessage q = DnsMessage.query(5, DnsQuestion.of("alice.trellis.internal", DnsType.A),
                Optional.of(Edns.of(4096)));
        DnsMessage r = ask(dns, q);
        assertThat(r.edns()).contains(Edns.of(1232));
        assertThat(ask(dns, query("alice", DnsType.A)).edns()).isEmpty();
    }

    @Test
    void largeAnswersAreTruncatedToTheClientsSize() throws Exception {
        List<InetAddress> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(InetAddress.getByAddress(new byte[] {100, 64, 2, (byte) i}));
        }
        dns.setMap(new DnsMap("trellis.internal", Map.of("big", many)));
        Replies plain = new Replies();
        dns.receive(query("big.trellis.internal", DnsType.A).encode(), Replies.CLIENT, plain);
        byte[] small = plain.now();
        assertThat(small.length).isLessThanOrEqualTo(512);
        assertThat(DnsMessage.parse(small).isTruncated()).isTrue();

        DnsMessage edns = DnsMessage.query(6, DnsQuestion.of("big.trellis.internal", DnsType.A),
                Optional.of(Edns.of(65_000)));
        Replies capped = new Replies();
        dns.receive(edns.encode(), Replies.CLIENT, capped);
        byte[] medium = capped.now();
        assertThat(medium.length).isLessThanOrEqualTo(1232).isGreaterThan(512);
        assertThat(DnsMessage.parse(medium).isTruncated()).isTrue();

        Replies tcp = new Replies();
        dns.receiveTcp(query("big.trellis.internal", DnsType.A).encode(), Replies.CLIENT, tcp);
        DnsMessage full = tcp.nowParsed();
        assertThat(full.isTruncated()).isFalse();
        assertThat(full.answers()).hasSize(200);
        assertThat(dns.stats().truncated()).isEqualTo(2);
    }

    @Test
    void malformedQueriesGetFormerrOrNothing() throws Exception {
        Replies tooShort = new Replies();
        dns.receive(new byte[11], Replies.CLIENT, tooShort);
        assertThat(tooShort.calls.get()).isZero();

        Replies response = new Replies();
        dns.receive(query("alice", DnsType.A).withFlags(DnsMessage.QR).encode(), Replies.CLIENT, response);
        assertThat(response.calls.get()).as("never answer an answer").isZero();

        byte[] loop = Wire.header(0x1111, 0x0100, 1, 0, 0, 0).pointer(12).u16(1).u16(1).build();
        Replies formerr = new Replies();
        dns.receive(loop, Replies.CLIENT, formerr);
        DnsMessage f = formerr.nowParsed();
        assertThat(f.id()).isEqualTo(0x1111);
        assertThat(f.rcode()).isEqualTo(DnsRcode.FORMERR);
        assertThat(f.questions()).isEmpty();

        byte[] two = Wire.header(0x2222, 0x0100, 2, 0, 0, 0).name("a").u16(1).u16(1).name("b").u16(1).u16(1).build();
        assertThat(DnsMessage.parse(respond(two)).rcode()).isEqualTo(DnsRcode.FORMERR);
        byte[] notify = Wire.header(0x3333, 4 << 11, 1, 0, 0, 0).name("a").u16(1).u16(1).build();
        assertThat(DnsMessage.parse(respond(notify)).rcode()).isEqualTo(DnsRcode.NOTIMP);
        byte[] ednsV1 = Wire.header(0x4444, 0x0100, 1, 0, 0, 1).name("a").u16(1).u16(1)
                .u8(0).u16(DnsType.OPT).u16(1232).u32(0x0001_0000).u16(0).build();
        assertThat(DnsMessage.parse(respond(ednsV1)).rcode()).isEqualTo(DnsRcode.BADVERS);
        assertThat(dns.stats().malformed()).isEqualTo(4);
        assertThat(dns.stats().queries()).isEqualTo(6);
    }

    private byte[] respond(byte[] query) {
        Replies r = new Replies();
        dns.receive(query, Replies.CLIENT, r);
        return r.now();
    }

    @Test
    void noUpstreamsIsAQuickServfail() throws Exception {
        DnsMessage r = ask(dns, query("example.com", DnsType.A));
        assertThat(r.rcode()).isEqualTo(DnsRcode.SERVFAIL);
        assertThat(r.isAuthoritative()).isFalse();
        assertThat(dns.stats().servfails()).isEqualTo(1);
    }

    @Test
    void aReplyConsumerThatThrowsDoesNotBreakTheServer() throws Exception {
        dns.receive(query("alice", DnsType.A).encode(), Replies.CLIENT, b -> {
            throw new IllegalStateException("tun closed");
        });
        assertThat(ask(dns, query("alice", DnsType.A)).answers()).hasSize(1);
    }
}
