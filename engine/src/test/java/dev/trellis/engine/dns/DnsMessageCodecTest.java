package dev.trellis.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DnsMessageCodecTest {
    static final DnsName NAME = DnsName.parse("Alice.Trellis.Internal");

    static DnsMessage sampleResponse() throws Exception {
        DnsMessage query = DnsMessage.query(0xbeef, new DnsQuestion(NAME, DnsType.ANY, DnsType.CLASS_IN),
                Optional.of(Edns.of(4096)));
        return DnsMessage.responseTo(query, DnsRcode.NOERROR, true,
                List.of(DnsRecord.a(NAME, 600, (Inet4Address) InetAddress.getByName("100.64.0.1")),
                        DnsRecord.aaaa(NAME, 600, (Inet6Address) InetAddress.getByName("fd7a:115c:a1e0::1")),
                        DnsRecord.ptr(DnsName.parse("1.0.64.100.in-addr.arpa"), 600, NAME)),
                List.of(DnsRecord.soa(DnsName.parse("trellis.internal"), 60, DnsName.parse("trellis.internal"),
                        DnsName.parse("hostmaster.trellis.internal"), 7, 3600, 600, 86400, 60)),
                1232);
    }

    @Test
    void roundTripsAResponseWithEdns() throws Exception {
        DnsMessage m = sampleResponse();
        byte[] wire = m.encode();
        DnsMessage back = DnsMessage.parse(wire);
        assertThat(back).isEqualTo(m);
        assertThat(back.questions().getFirst().name().toString()).isEqualTo("Alice.Trellis.Internal.");
        assertThat(back.isResponse()).isTrue();
        assertThat(back.isAuthoritative()).isTrue();
        assertThat(back.edns()).contains(Edns.of(1232));
        assertThat(back.answers().get(2).targetName()).contains(NAME);
    }

    @Test
    void compressesOwnerNamesAgainstTheQuestion() throws Exception {
        byte[] wire = sampleResponse().encode();
        int questionEnd = 12 + NAME.wireLength() + 4;
        // The first answer's owner is a pointer to the question name at offset 12.
        assertThat(wire[questionEnd] & 0xff).isEqualTo(0xc0);
        assertThat(wire[questionEnd + 1] & 0xff).isEqualTo(12);
    }

    @Test
    void readsCompressedRdataNamesAndExpandsThem() throws Exception {
        // A CNAME whose target is "www" + pointer to the question's "example.com".
        byte[] wire = Wire.header(1, 0x8180, 1, 1, 0, 0)
                .name("example.com").u16(DnsType.A).u16(1)
                .pointer(12).u16(DnsType.CNAME).u16(1).u32(300).u16(6).labels("www").pointer(12)
                .build();
        DnsRecord cname = DnsMessage.parse(wire).answers().getFirst();
        assertThat(cname.targetName()).contains(DnsName.parse("www.example.com"));
        assertThat(cname.rdata()).hasSize(17); // self-contained, not 6 bytes with a pointer
    }

    @Test
    void extendedRcodeTravelsInTheOpt() throws Exception {
        DnsMessage query = DnsMessage.query(7, DnsQuestion.of("a.b", DnsType.A), Optional.of(Edns.of(1232)));
        DnsMessage r = DnsMessage.responseTo(query, DnsRcode.BADVERS, false, List.of(), List.of(), 1232);
        DnsMessage back = DnsMessage.parse(r.encode());
        assertThat(back.rcode()).isEqualTo(DnsRcode.BADVERS);
        assertThat(back.edns().orElseThrow().extendedRcode()).isEqualTo(1);
    }

    @Test
    void truncatesAtRecordBoundariesKeepingTheOpt() throws Exception {
        DnsMessage query = DnsMessage.query(9, new DnsQuestion(NAME, DnsType.A, 1), Optional.of(Edns.of(512)));
        List<DnsRecord> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(DnsRecord.a(NAME, 600, (Inet4Address) InetAddress.getByAddress(new byte[] {100, 64, 1, (byte) i})));
        }
        DnsMessage r = DnsMessage.responseTo(query, 0, true, many, List.of(), 1232);
        byte[] wire = r.encode(512);
        assertThat(wire.length).isLessThanOrEqualTo(512).isGreaterThan(512 - 16);
        DnsMessage back = DnsMessage.parse(wire);
        assertThat(back.isTruncated()).isTrue();
        assertThat(back.answers()).hasSizeLessThan(100).isEqualTo(many.subList(0, back.answers().size()));
        assertThat(back.edns()).isPresent();
        assertThat(DnsMessage.parse(r.encode()).isTruncated()).isFalse();
    }

    @Test
    void droppingOnlyAdditionalDataDoesNotSetTc() throws Exception {
        DnsMessage q = DnsMessage.query(9, new DnsQuestion(NAME, DnsType.A, 1), Optional.empty());
        List<DnsRecord> extra = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            extra.add(DnsRecord.a(DnsName.parse("h" + i + ".example"), 1,
                    (Inet4Address) InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i})));
        }
        DnsMessage r = new DnsMessage(9, DnsMessage.QR, 0, q.questions(), List.of(), List.of(), extra,
                Optional.empty());
        DnsMessage back = DnsMessage.parse(r.encode(512));
        assertThat(back.isTruncated()).isFalse();
        assertThat(back.additionals()).hasSizeLessThan(60);
    }

    // ---- hostile input ----

    @Test
    void everyTruncationOfAValidMessageIsAFormatError() throws Exception {
        byte[] wire = sampleResponse().encode();
        for (int len = 0; len < wire.length; len++) {
            byte[] prefix = java.util.Arrays.copyOf(wire, len);
            int n = len;
            assertThatThrownBy(() -> DnsMessage.parse(prefix)).as("prefix of %d bytes", n)
                    .isInstanceOf(DnsFormatException.class);
        }
    }

    @Test
    void pointerToItselfIsRefused() {
        byte[] wire = Wire.header(1, 0, 1, 0, 0, 0).pointer(12).u16(1).u16(1).build();
        assertThatThrownBy(() -> DnsMessage.parse(wire)).isInstanceOf(DnsFormatException.class)
                .hasMessageContaining("does not point backwards");
    }

    @Test
    void forwardPointersAndPointerCyclesAreRefused() {
        // Question name at 12: "a" then a pointer to 17, where a pointer back to 12 waits.
        byte[] cycle = Wire.header(1, 0, 1, 0, 0, 0).labels("a").pointer(17).pointer(12).u16(1).u16(1).build();
        assertThatThrownBy(() -> DnsMessage.parse(cycle)).isInstanceOf(DnsFormatException.class)
                .hasMessageContaining("does not point backwards");
        // An answer whose owner points back into itself after a detour: 2-step loop.
        byte[] loop = Wire.header(1, 0x8000, 1, 1, 0, 0).name("x").u16(1).u16(1)
                .labels("b").pointer(12 + 7).u16(1).u16(1).u32(0).u16(0).build();
        assertThatThrownBy(() -> DnsMessage.parse(loop)).isInstanceOf(DnsFormatException.class);
    }

    @Test
    void longPointerChainsAreCut() {
        // An opaque record whose RDATA (at 23) holds a root label and then 200 pointers, each
        // pointing at the one before: strictly backwards, but too many hops for one name.
        Wire w = Wire.header(1, 0x8000, 0, 2, 0, 0).u8(0).u16(99).u16(1).u32(0).u16(1 + 2 * 200).u8(0);
        int prev = 23;
        for (int i = 0; i < 200; i++) {
            int here = w.size();
            w.pointer(prev);
            prev = here;
        }
        byte[] wire = w.pointer(prev).u16(1).u16(1).u32(0).u16(0).build();
        assertThatThrownBy(() -> DnsMessage.parse(wire)).isInstanceOf(DnsFormatException.class)
                .hasMessageContaining("too many compression pointers");
    }

    @Test
    void reservedLabelTypesAreRefused() {
        for (int type : new int[] {0x40, 0x80}) {
            byte[] wire = Wire.header(1, 0, 1, 0, 0, 0).u8(type | 1).u8('a').u8(0).u16(1).u16(1).build();
            assertThatThrownBy(() -> DnsMessage.parse(wire)).isInstanceOf(DnsFormatException.class)
                    .hasMessageContaining("reserved label type");
        }
    }

    @Test
    void namesOver255BytesAreRefusedEvenWhenBuiltFromPointers() {
        String l = "x".repeat(63);
        // "l.l.l" (192 bytes) at 12, then a name of "l" + pointer to it: 64 + 193 > 255.
        byte[] wire = Wire.header(1, 0, 2, 0, 0, 0).name(l + "." + l + "." + l).u16(1).u16(1)
                .labels(l).pointer(12).u16(1).u16(1).build();
        assertThatThrownBy(() -> DnsMessage.parse(wire)).isInstanceOf(DnsFormatException.class)
                .hasMessageContaining("longer than 255");
    }

    @Test
    void countsThatLieAreFormatErrors() {
        byte[] noQuestion = Wire.header(1, 0, 1, 0, 0, 0).build();
        assertThatThrownBy(() -> DnsMessage.parse(noQuestion)).isInstanceOf(DnsFormatException.class);
        byte[] huge = Wire.header(1, 0, 0xffff, 0xffff, 0xffff, 0xffff).name("a").u16(1).u16(1).build();
        assertThatThrownBy(() -> DnsMessage.parse(huge)).isInstanceOf(DnsFormatException.class);
        byte[] hugeAnswers = Wire.header(1, 0x8000, 1, 0xffff, 0, 0).name("a").u16(1).u16(1)
                .pointer(12).u16(1).u16(1).u32(0).u16(4).bytes(1, 2, 3, 4).build();
        assertThatThrownBy(() -> DnsMessage.parse(hugeAnswers)).isInstanceOf(DnsFormatException.class)
                .hasMessageContaining("65535 records");
    }

    @Test
    void rdataMustMatchItsLength() {
        byte[] past = Wire.header(1, 0x8000, 0, 1, 0, 0).name("a").u16(1).u16(1).u32(0).u16(100).bytes(1, 2).build();
        assertThatThrownBy(() -> DnsMessage.parse(past)).hasMessageContaining("runs past the end");
        // A PTR whose name is shorter than its RDATA length.
        byte[] slack = Wire.header(1, 0x8000, 0, 1, 0, 0).name("a").u16(DnsType.PTR).u16(1).u32(0).u16(5)
                .name("b").bytes(9, 9).build();
        assertThatThrownBy(() -> DnsMessage.parse(slack)).hasMessageContaining("RDATA of type 12");
        // A PTR whose name runs beyond its RDATA length into the next bytes.
        byte[] borrow = Wire.header(1, 0x8000, 0, 1, 0, 0).name("a").u16(DnsType.PTR).u16(1).u32(0).u16(2)
                .name("bcd").build();
        assertThatThrownBy(() -> DnsMessage.parse(borrow)).isInstanceOf(DnsFormatException.class);
    }

    @Test
    void optRulesAreEnforced() {
        byte[] two = Wire.header(1, 0, 1, 0, 0, 2).name("a").u16(1).u16(1)
                .u8(0).u16(DnsType.OPT).u16(1232).u32(0).u16(0)
                .u8(0).u16(DnsType.OPT).u16(1232).u32(0).u16(0).build();
        assertThatThrownBy(() -> DnsMessage.parse(two)).hasMessageContaining("more than one OPT");
        byte[] named = Wire.header(1, 0, 1, 0, 0, 1).name("a").u16(1).u16(1)
                .name("x").u16(DnsType.OPT).u16(1232).u32(0).u16(0).build();
        assertThatThrownBy(() -> DnsMessage.parse(named)).hasMessageContaining("not the root");
        byte[] inAnswer = Wire.header(1, 0, 1, 1, 0, 0).name("a").u16(1).u16(1)
                .u8(0).u16(DnsType.OPT).u16(1232).u32(0).u16(0).build();
        assertThatThrownBy(() -> DnsMessage.parse(inAnswer)).hasMessageContaining("OPT record in the answer");
    }

    @Test
    void readsTheClientsEdnsSizeAndDoBit() throws Exception {
        byte[] q = Wire.header(1, 0x0100, 1, 0, 0, 1).name("a").u16(1).u16(1)
                .u8(0).u16(DnsType.OPT).u16(4096).u32(0x8000).u16(4).bytes(0, 10, 0, 0).build();
        DnsMessage m = DnsMessage.parse(q);
        assertThat(m.edns()).contains(new Edns(4096, 0, 0, true, new byte[] {0, 10, 0, 0}));
        assertThat(m.requestorUdpSize()).isEqualTo(4096);
        byte[] tiny = Wire.header(1, 0x0100, 1, 0, 0, 1).name("a").u16(1).u16(1)
                .u8(0).u16(DnsType.OPT).u16(100).u32(0).u16(0).build();
        assertThat(DnsMessage.parse(tiny).requestorUdpSize()).isEqualTo(512);
    }

    @Test
    void refusesMessagesOverTheMaximumSize() {
        assertThatThrownBy(() -> DnsMessage.parse(new byte[65_536])).hasMessageContaining("exceeds 65535");
    }
}
