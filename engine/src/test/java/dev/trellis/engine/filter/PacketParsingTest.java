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

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Header parsing: truncation at every byte, inconsistent lengths, IPv6 extension headers. */
class PacketParsingTest {
    private final FilterFixture fx = new FilterFixture();
    private final PacketFilter open = fx.filter(rule("*", "*", 0, 65535, 6, 17, 1, 58, 132, 47));

    private static List<byte[]> samples() {
        return List.of(
                TestPackets.tcp(PEER4, 1, ME4, 80).build(),
                TestPackets.udp(PEER4, 1, ME4, 53).build(),
                TestPackets.echo(PEER4, ME4, true, 5).build(),
                TestPackets.sctp(PEER4, 1, ME4, 9).build(),
                TestPackets.tcp(PEER6, 1, ME6, 80).extensions(0, 60, 43, 51).build(),
                TestPackets.udp(PEER6, 1, ME6, 53).build(),
                TestPackets.echo(PEER6, ME6, true, 5).build(),
                TestPackets.udp(PEER6, 1, ME6, 53).firstFragment(7).build());
    }

    /** Its quote may be cut anywhere by design, so it is no sample for consistent truncation. */
    private static final byte[] ICMP_ERROR =
            TestPackets.icmpError(PEER4, ME4, 3, 3, TestPackets.udp(ME4, 1, PEER4, 2).build(), 28).build();

    @Test
    void theSamplesAreAccepted() {
        for (byte[] p : samples()) {
            assertThat(in(open, p)).isEqualTo(ACCEPT);
        }
        assertThat(in(open, ICMP_ERROR)).isEqualTo(ACCEPT);
    }

    @Test
    void aPacketCutShortAtAnyByteIsMalformed() {
        int tries = 0;
        List<byte[]> all = new java.util.ArrayList<>(samples());
        all.add(ICMP_ERROR);
        for (byte[] p : all) {
            for (int n = 0; n < p.length; n++) {
                assertThat(open.inbound(ByteBuffer.wrap(p), 0, n)).as("%d of %d bytes", n, p.length).isEqualTo(DROP);
                tries++;
            }
        }
        assertThat(fx.dropped(DropReason.MALFORMED)).isEqualTo(tries);
    }

    @Test
    void aPacketWhoseLengthFieldsClaimTheCutIsMalformedAtEveryHeaderByte() {
        int tries = 0;
        for (byte[] p : samples()) {
            for (int n = 1; n < p.length; n++) {
                byte[] cut = Arrays.copyOf(p, n);
                if ((cut[0] & 0xf0) == 0x40 && n >= 4) {
                    TestPackets.put16(cut, 2, n);
                } else if ((cut[0] & 0xf0) == 0x60 && n >= 6) {
                    TestPackets.put16(cut, 4, n - 40);
                }
                assertThat(in(open, cut)).as("%d of %d bytes", n, p.length).isEqualTo(DROP);
                tries++;
            }
        }
        assertThat(fx.dropped(DropReason.MALFORMED)).isEqualTo(tries);
    }

    @Test
    void bytesAfterThePacketAreIgnored() {
        byte[] p = TestPackets.udp(PEER4, 1, ME4, 53).build();
        byte[] padded = Arrays.copyOf(p, p.length + 13);
        assertThat(in(open, padded)).isEqualTo(ACCEPT);
    }

    @Test
    void inconsistentHeadersAreMalformedWithAReason() {
        assertMalformed(TestPackets.tcp(PEER4, 1, ME4, 80), b -> b[0] = 0x55, "neither 4 nor 6");
        assertMalformed(TestPackets.tcp(PEER4, 1, ME4, 80), b -> b[0] = 0x44, "IPv4 header length");
        assertMalformed(TestPackets.tcp(PEER4, 1, ME4, 80), b -> b[0] = 0x4f, "IPv4 header length");
        assertMalformed(TestPackets.tcp(PEER4, 1, ME4, 80), b -> TestPackets.put16(b, 2, 19), "total length");
        assertMalformed(TestPackets.tcp(PEER4, 1, ME4, 80), b -> b[32] = 0x40, "data offset");
        assertMalformed(TestPackets.tcp(PEER4, 1, ME4, 80), b -> b[32] = 0x60, "data offset");
        assertMalformed(TestPackets.udp(PEER4, 1, ME4, 80), b -> TestPackets.put16(b, 24, 7), "UDP length");
        assertMalformed(TestPackets.udp(PEER4, 1, ME4, 80), b -> TestPackets.put16(b, 24, 9), "UDP length");
        assertMalformed(TestPackets.udp(PEER6, 1, ME6, 80), b -> TestPackets.put16(b, 44, 0), "UDP length");
        assertMalformed(TestPackets.udp(PEER6, 1, ME6, 80), b -> TestPackets.put16(b, 4, 9), "payload length");
        assertMalformed(TestPackets.udp(PEER6, 1, ME6, 80).extensions(60, 0), b -> { }, "hop-by-hop");
        assertMalformed(TestPackets.udp(PEER6, 1, ME6, 80).extensions(43), b -> b[43] = 1, "segments left");
        assertMalformed(TestPackets.udp(PEER6, 1, ME6, 80).extensions(60), b -> b[41] = 9, "extension header");
        assertMalformed(TestPackets.udp(PEER6, 1, ME6, 80).extensions(60, 60, 60, 60, 60, 60, 60, 60, 60),
                b -> { }, "too many");
        assertMalformed(TestPackets.udp(PEER6, 1, ME6, 80).extensions(44).firstFragment(3), b -> { }, "two IPv6 fragment");
    }

    @Test
    void ipv4OptionsAreSkipped() {
        byte[] plain = TestPackets.tcp(PEER4, 1, ME4, 22).build();
        byte[] p = new byte[plain.length + 4];
        System.arraycopy(plain, 0, p, 0, 20);
        p[20] = 1; // NOP options
        p[21] = 1;
        p[22] = 1;
        p[23] = 0;
        System.arraycopy(plain, 20, p, 24, plain.length - 20);
        p[0] = 0x46;
        TestPackets.put16(p, 2, p.length);
        assertThat(in(fx.filter(rule("*", "*", 22, 22)), p)).isEqualTo(ACCEPT);
        assertThat(in(fx.filter(rule("*", "*", 23, 23)), p)).isEqualTo(DROP);
    }

    @Test
    void eightExtensionHeadersAreWalked() {
        byte[] p = TestPackets.udp(PEER6, 1, ME6, 80).extensions(0, 60, 60, 60, 60, 60, 43, 51).build();
        assertThat(in(fx.filter(rule("*", "*", 80, 80)), p)).isEqualTo(ACCEPT);
        assertThat(in(fx.filter(rule("*", "*", 81, 81)), p)).isEqualTo(DROP);
    }

    @Test
    void icmpOfTheOtherFamilyIsAnUnknownProtocol() {
        byte[] p = TestPackets.raw(1, PEER6, ME6).payload(8).build();
        assertThat(in(fx.filter(rule("*", "*", 0, 65535, 1)), p)).isEqualTo(ACCEPT);
        assertThat(in(fx.filter(rule("*", "*", 0, 100, 1)), p)).as("no ports to check").isEqualTo(DROP);
    }

    private void assertMalformed(TestPackets builder, Consumer<byte[]> damage, String reason) {
        byte[] p = builder.build();
        damage.accept(p);
        Packet parsed = new Packet();
        assertThat(parsed.parse(ByteBuffer.wrap(p), 0, p.length)).as(reason).isFalse();
        assertThat(parsed.error).contains(reason);
        long before = fx.dropped(DropReason.MALFORMED);
        assertThat(in(open, p)).isEqualTo(DROP);
        assertThat(fx.dropped(DropReason.MALFORMED)).isEqualTo(before + 1);
    }
}
