package dev.trellis.engine.tun;

import static dev.trellis.engine.tun.FilteringTunTest.HEADROOM;
import static dev.trellis.engine.tun.FilteringTunTest.buffers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.filter.PacketFilter;
import dev.trellis.engine.filter.TestPackets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Local UDP services: datagrams out of the read path, replies with correct headers back in. */
class LocalServicesTest {
    static final String DNS4 = "100.100.100.100";
    static final String DNS6 = "fd7a:115c:a1e0::53";
    static final String ME4 = "100.64.0.3";
    static final String ME6 = "fd7a:115c:a1e0::3";
    static final Duration WAIT = Duration.ofSeconds(10);

    private record Query(byte[] payload, InetSocketAddress from, Consumer<byte[]> reply) {}

    private final FakeTun raw = new FakeTun(4);
    private final FilteringTun tun = new FilteringTun(raw, PacketFilter.ALLOW_ALL);
    private final LinkedBlockingQueue<Query> queries = new LinkedBlockingQueue<>();

    LocalServicesTest() throws Exception {
        tun.addUdpService(new InetSocketAddress(InetAddress.getByName(DNS4), 53),
                (payload, from, reply) -> queries.add(new Query(payload, from, reply)));
        tun.addUdpService(new InetSocketAddress(InetAddress.getByName(DNS6), 53),
                (payload, from, reply) -> queries.add(new Query(payload, from, reply)));
    }

    @AfterEach
    void close() throws Exception {
        tun.close();
    }

    private Query awaitQuery() throws InterruptedException {
        Query q = queries.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(q).as("a datagram reached the service").isNotNull();
        return q;
    }

    @Test
    void anIpv4QueryIsAnsweredWithCorrectChecksums() throws Exception {
        byte[] query = "what is peer1?".getBytes(StandardCharsets.UTF_8);
        raw.osSends(TestPackets.udp(ME4, 40123, DNS4, 53).payload(query).build());
        byte[] other = TestPackets.tcp(ME4, 1, "100.64.0.2", 22).build();
        raw.osSends(other);
        ByteBuffer[] bufs = buffers(4);
        int[] sizes = new int[4];
        assertThat(tun.read(bufs, sizes, HEADROOM)).isEqualTo(1);
        assertThat(Arrays.copyOfRange(bufs[0].array(), HEADROOM, HEADROOM + sizes[0])).isEqualTo(other);

        Query q = awaitQuery();
        assertThat(q.payload()).isEqualTo(query);
        assertThat(q.from()).isEqualTo(new InetSocketAddress(InetAddress.getByName(ME4), 40123));
        byte[] answer = "100.64.0.2".getBytes(StandardCharsets.UTF_8);
        q.reply().accept(answer);

        byte[] p = raw.awaitWritten(WAIT);
        assertThat(p).hasSize(20 + 8 + answer.length);
        assertThat(p[0]).isEqualTo((byte) 0x45);
        assertThat(u16(p, 2)).isEqualTo(p.length);
        assertThat(p[9]).isEqualTo((byte) 17);
        assertThat(p[8] & 0xff).isEqualTo(64);
        assertThat(TestPackets.checksum(Arrays.copyOf(p, 20))).as("IPv4 header checksum").isZero();
        assertThat(Arrays.copyOfRange(p, 12, 16)).isEqualTo(InetAddress.getByName(DNS4).getAddress());
        assertThat(Arrays.copyOfRange(p, 16, 20)).isEqualTo(InetAddress.getByName(ME4).getAddress());
        assertThat(u16(p, 20)).isEqualTo(53);
        assertThat(u16(p, 22)).isEqualTo(40123);
        assertThat(u16(p, 24)).isEqualTo(8 + answer.length);
        assertThat(u16(p, 26)).as("IPv4 UDP checksum is computed too").isNotZero();
        assertThat(udpChecksumOver(p, 12, 4, 20)).as("UDP checksum").isZero();
        assertThat(Arrays.copyOfRange(p, 28, p.length)).isEqualTo(answer);
        assertThat(tun.serviceStats()).isEqualTo(new ServiceStats(1, 1, 0, 0, 0, 0, 0));
    }

    @Test
    void anIpv6QueryIsAnsweredWithTheMandatoryChecksum() throws Exception {
        raw.osSends(TestPackets.udp(ME6, 5353, DNS6, 53).payload(33).build());
        raw.osSends(TestPackets.udp(ME6, 5353, "fd7a:115c:a1e0::2", 53).build());
        ByteBuffer one = ByteBuffer.allocate(2048);
        int n = tun.read(one);
        assertThat(n).isEqualTo(48);
        Query q = awaitQuery();
        assertThat(q.payload()).hasSize(33);
        assertThat(q.from().getPort()).isEqualTo(5353);
        byte[] answer = new byte[1231]; // odd: the checksum pads the last byte
        Arrays.fill(answer, (byte) 0xfe);
        new Thread(() -> q.reply().accept(answer)).start(); // any thread may answer
        byte[] p = raw.awaitWritten(WAIT);
        assertThat(p).hasSize(40 + 8 + answer.length).hasSize(1279);
        assertThat(p[0]).isEqualTo((byte) 0x60);
        assertThat(u16(p, 4)).isEqualTo(8 + answer.length);
        assertThat(p[6]).isEqualTo((byte) 17);
        assertThat(Arrays.copyOfRange(p, 8, 24)).isEqualTo(InetAddress.getByName(DNS6).getAddress());
        assertThat(Arrays.copyOfRange(p, 24, 40)).isEqualTo(InetAddress.getByName(ME6).getAddress());
        assertThat(u16(p, 40)).isEqualTo(53);
        assertThat(u16(p, 42)).isEqualTo(5353);
        assertThat(u16(p, 46)).isNotZero();
        assertThat(udpChecksumOver(p, 8, 16, 40)).isZero();
    }

    @Test
    void aBatchOfServicePacketsOnlyIsReadAgainNeverReturningZero() throws Exception {
        for (int i = 0; i < 4; i++) {
            raw.osSends(TestPackets.udp(ME4, 1000 + i, DNS4, 53).payload(4).build());
        }
        byte[] other = TestPackets.udp(ME4, 1, "100.64.0.2", 9).payload(300).build();
        raw.osSends(other);
        ByteBuffer[] bufs = buffers(4);
        int[] sizes = new int[4];
        assertThat(tun.read(bufs, sizes, HEADROOM)).isEqualTo(1);
        assertThat(Arrays.copyOfRange(bufs[0].array(), HEADROOM, HEADROOM + sizes[0])).isEqualTo(other);
        assertThat(queries).hasSize(4);
    }

    @Test
    void keptPacketsMoveDownByCopyNotBySwappingBuffers() throws Exception {
        byte[] a = TestPackets.udp(ME4, 1, "100.64.0.2", 9).payload(10).build();
        byte[] b = TestPackets.udp(ME4, 2, "100.64.0.2", 9).payload(500).build();
        byte[] c = TestPackets.tcp(ME4, 3, "100.64.0.2", 9).build();
        raw.osSends(a);
        raw.osSends(TestPackets.udp(ME4, 1000, DNS4, 53).build());
        raw.osSends(b);
        raw.osSends(c);
        ByteBuffer[] bufs = buffers(4);
        ByteBuffer[] identity = bufs.clone();
        int[] sizes = new int[4];
        assertThat(tun.read(bufs, sizes, HEADROOM)).isEqualTo(3);
        assertThat(bufs).isEqualTo(identity);
        assertThat(Arrays.copyOfRange(bufs[0].array(), HEADROOM, HEADROOM + sizes[0])).isEqualTo(a);
        assertThat(Arrays.copyOfRange(bufs[1].array(), HEADROOM, HEADROOM + sizes[1])).isEqualTo(b);
        assertThat(Arrays.copyOfRange(bufs[2].array(), HEADROOM, HEADROOM + sizes[2])).isEqualTo(c);
    }

    @Test
    void otherPacketsToAServiceAddressAreDroppedAndCounted() throws Exception {
        raw.osSends(TestPackets.tcp(ME4, 1, DNS4, 53).build());
        raw.osSends(TestPackets.udp(ME4, 1, DNS4, 54).build());
        raw.osSends(TestPackets.echo(ME6, DNS6, true, 1).build());
        byte[] badSum = TestPackets.udp(ME4, 1, DNS4, 53).payload(5).build();
        badSum[30] ^= 1;
        raw.osSends(badSum);
        raw.osSends(TestPackets.udp(ME6, 1, DNS6, 53).noUdpChecksum().build());
        byte[] badLength = TestPackets.udp(ME4, 1, DNS4, 53).payload(5).build();
        badLength[25] = 99;
        raw.osSends(badLength);
        raw.osSends(TestPackets.udp(ME4, 1, DNS4, 53).payload(64).firstFragment(7).build());
        raw.osSends(TestPackets.udp(ME4, 7, DNS4, 53).payload(3).noUdpChecksum().build()); // fine for IPv4
        byte[] last = TestPackets.udp(ME4, 1, "100.64.0.2", 53).build();
        raw.osSends(last);
        ByteBuffer one = ByteBuffer.allocate(2048);
        assertThat(tun.read(one)).isEqualTo(last.length);
        assertThat(awaitQuery().from().getPort()).isEqualTo(7);
        assertThat(tun.serviceStats()).isEqualTo(new ServiceStats(1, 0, 3, 4, 0, 0, 0));
    }

    @Test
    void aReplyTooLargeForTheMtuIsRefusedAndASecondReplyIsAnError() throws Exception {
        raw.osSends(TestPackets.udp(ME4, 40000, DNS4, 53).build());
        raw.osSends(TestPackets.udp(ME4, 1, "100.64.0.2", 53).build());
        tun.read(ByteBuffer.allocate(2048));
        Query q = awaitQuery();
        assertThatThrownBy(() -> q.reply().accept(new byte[1280 - 28 + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1253 bytes").hasMessageContaining("MTU 1280").hasMessageContaining("truncate");
        assertThat(raw.toOs).isEmpty();
        q.reply().accept(new byte[1280 - 28]); // a refused reply used up nothing
        assertThat(raw.awaitWritten(WAIT)).hasSize(1280);
        assertThatThrownBy(() -> q.reply().accept(new byte[1])).isInstanceOf(IllegalStateException.class);
        assertThat(tun.serviceStats()).isEqualTo(new ServiceStats(1, 1, 0, 0, 1, 0, 0));
    }

    @Test
    void aFailingServiceOrAClosedTunCostsOnlyACount() throws Exception {
        InetSocketAddress boom = new InetSocketAddress(InetAddress.getByName(DNS4), 5300);
        tun.addUdpService(boom, (payload, from, reply) -> {
            throw new IllegalStateException("service bug");
        });
        raw.osSends(TestPackets.udp(ME4, 1, DNS4, 5300).build());
        raw.osSends(TestPackets.udp(ME4, 2, DNS4, 53).build());
        raw.osSends(TestPackets.udp(ME4, 1, "100.64.0.2", 53).build());
        tun.read(ByteBuffer.allocate(2048));
        Query q = awaitQuery();
        raw.close();
        q.reply().accept(new byte[8]);
        assertThat(tun.serviceStats()).isEqualTo(new ServiceStats(2, 0, 0, 0, 0, 1, 1));
        assertThat(tun.removeUdpService(boom)).isTrue();
        assertThat(tun.removeUdpService(boom)).isFalse();
    }

    @Test
    void serviceAddressesMustBeSpecificAndUnique() throws Exception {
        UdpService s = (payload, from, reply) -> { };
        assertThatThrownBy(() -> tun.addUdpService(new InetSocketAddress(InetAddress.getByName(DNS4), 53), s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
        assertThatThrownBy(() -> tun.addUdpService(new InetSocketAddress(53), s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unicast");
        assertThatThrownBy(() -> tun.addUdpService(InetSocketAddress.createUnresolved("dns.example", 53), s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
        assertThatThrownBy(() -> tun.addUdpService(new InetSocketAddress(InetAddress.getByName(DNS4), 0), s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
    }

    private static int u16(byte[] p, int at) {
        return (p[at] & 0xff) << 8 | (p[at + 1] & 0xff);
    }

    /** The checksum over pseudo-header and UDP datagram, computed here: 0 when it verifies. */
    private static int udpChecksumOver(byte[] p, int addressesAt, int addressLength, int udpAt) {
        int udpLength = p.length - udpAt;
        byte[] pseudo = new byte[2 * addressLength + 8];
        System.arraycopy(p, addressesAt, pseudo, 0, 2 * addressLength);
        pseudo[pseudo.length - 1] = 17;
        pseudo[pseudo.length - 4] = (byte) (udpLength >>> 8);
        pseudo[pseudo.length - 3] = (byte) udpLength;
        byte[] all = new byte[pseudo.length + udpLength];
        System.arraycopy(pseudo, 0, all, 0, pseudo.length);
        System.arraycopy(p, udpAt, all, pseudo.length, udpLength);
        return TestPackets.checksum(all);
    }
}
