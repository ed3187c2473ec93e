package dev.trellis.tun.linux;

import static dev.trellis.tun.linux.TcpPackets.ACK;
import static dev.trellis.tun.linux.TcpPackets.CWR;
import static dev.trellis.tun.linux.TcpPackets.FIN;
import static dev.trellis.tun.linux.TcpPackets.PSH;
import static dev.trellis.tun.linux.TcpPackets.u16;
import static dev.trellis.tun.linux.TcpPackets.u32;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.tun.linux.TcpPackets.Flow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpSegmenterTest {

    static final int OFFSET = 16;

    /** A super-packet as the kernel hands it over: partial checksum, virtio header. */
    static ByteBuffer superPacket(Flow f, int seq, int flags, byte[] payload, int gsoSize) {
        byte[] p = TcpPackets.partial(f, 0x1234, seq, 0x55667788, flags, TcpPackets.TIMESTAMPS,
                payload);
        int ip = TcpPackets.ipLen(p);
        return TcpPackets.virtio(VirtioNetHdr.F_NEEDS_CSUM,
                f.isV6() ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4,
                ip + 32, gsoSize, ip, 16, p);
    }

    /** Reads everything pending, into {@code perCall}-sized batches. */
    static List<byte[]> drain(TcpSegmenter s, int perCall) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer[] bufs = TcpPackets.buffers(perCall);
        while (s.pending()) {
            for (int i = 0; i < perCall && s.pending(); i++) {
                int n = s.emit(bufs[i], OFFSET, bufs[i].capacity() - OFFSET);
                if (n >= 0) {
                    out.add(TcpPackets.bytes(bufs[i], OFFSET, n));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void splitsASuperPacketIntoValidSegments(boolean v6) {
        Flow f = v6 ? Flow.v6() : Flow.v4();
        byte[] payload = TcpPackets.pattern(5000, 3);
        int seq = 0xfffff000; // wraps within the packet
        ByteBuffer sp = superPacket(f, seq, ACK | PSH | FIN | CWR, payload, 1200);
        int n = VirtioNetHdr.SIZE + (v6 ? 40 : 20) + 32 + 5000;
        TcpSegmenter s = new TcpSegmenter();

        assertThat(s.load(sp, 0, n)).isTrue();
        List<byte[]> segs = drain(s, 3); // fewer buffers than segments: the rest carries over

        assertThat(segs).hasSize(5);
        assertThat(s.superPackets()).isEqualTo(1);
        assertThat(s.dropped()).isZero();
        int ip = v6 ? 40 : 20;
        byte[] template = TcpPackets.bytes(sp, VirtioNetHdr.SIZE, ip + 32);
        for (int i = 0; i < 5; i++) {
            byte[] p = segs.get(i);
            int len = Math.min(1200, 5000 - i * 1200);
            assertThat(p).hasSize(ip + 32 + len);
            if (v6) {
                assertThat(u16(p, 4)).isEqualTo(32 + len);
                assertThat(Arrays.copyOfRange(p, 0, 4)).isEqualTo(range(template, 0, 4));
                assertThat(Arrays.copyOfRange(p, 6, 40)).isEqualTo(range(template, 6, 40));
            } else {
                assertThat(u16(p, 2)).isEqualTo(p.length);
                assertThat(u16(p, 4)).as("IPv4 ID").isEqualTo(0x1234 + i);
                assertThat(TcpPackets.ipv4HeaderValid(p)).as("IPv4 header checksum").isTrue();
                assertThat(Arrays.copyOfRange(p, 12, 20)).isEqualTo(range(template, 12, 20));
            }
            assertThat(u32(p, ip + 4)).as("sequence").isEqualTo(seq + i * 1200);
            assertThat(u32(p, ip + 8)).isEqualTo(0x55667788);
            int flags = p[ip + 13] & 0xff;
            assertThat(flags & ACK).isEqualTo(ACK);
            assertThat(flags & (FIN | PSH)).as("FIN/PSH on segment %d", i)
                    .isEqualTo(i == 4 ? FIN | PSH : 0);
            assertThat(flags & CWR).as("CWR on segment %d", i).isEqualTo(i == 0 ? CWR : 0);
            assertThat(Arrays.copyOfRange(p, ip + 14, ip + 16)).as("window")
                    .isEqualTo(range(template, ip + 14, ip + 16));
            assertThat(Arrays.copyOfRange(p, ip + 18, ip + 32)).as("urgent pointer, options")
                    .isEqualTo(Arrays.copyOfRange(template, ip + 18, ip + 32));
            assertThat(TcpPackets.tcpChecksumValid(p)).as("TCP checksum of segment %d", i)
                    .isTrue();
            assertThat(TcpPackets.payload(p))
                    .isEqualTo(Arrays.copyOfRange(payload, i * 1200, i * 1200 + len));
        }
    }

    private static byte[] range(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void splitThenCoalesceGivesBackTheSuperPacket(boolean v6) {
        Flow f = v6 ? Flow.v6() : Flow.v4();
        int ip = v6 ? 40 : 20;
        int n = VirtioNetHdr.SIZE + ip + 32 + 7000;
        ByteBuffer sp = superPacket(f, 77, ACK | PSH, TcpPackets.pattern(7000, 9), 1368);
        byte[] original = TcpPackets.bytes(sp, 0, n);
        TcpSegmenter s = new TcpSegmenter();
        assertThat(s.load(sp, 0, n)).isTrue();
        List<byte[]> segs = drain(s, 64);
        ByteBuffer[] bufs = TcpPackets.buffers(segs.size());
        int[] sizes = new int[segs.size()];
        for (int i = 0; i < segs.size(); i++) {
            bufs[i].put(OFFSET, segs.get(i));
            sizes[i] = segs.get(i).length;
        }

        assertThat(TcpCoalescer.run(bufs, sizes, 0, segs.size(), OFFSET)).isEqualTo(segs.size());
        ByteBuffer out = ByteBuffer.allocateDirect(VirtioNetHdr.SIZE + 65535);
        int len = TcpCoalescer.build(bufs, sizes, 0, segs.size(), OFFSET, out);

        assertThat(Hex.of(TcpPackets.bytes(out, 0, len))).isEqualTo(Hex.of(original));
    }

    @Test
    void completesAPartialChecksumOfAPlainPacket() {
        Flow f = Flow.v4();
        byte[] p = TcpPackets.partial(f, 1, 100, 200, ACK | PSH, new byte[0],
                TcpPackets.pattern(333, 1));
        ByteBuffer b = TcpPackets.virtio(VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_NONE, 0, 0,
                20, 16, p);
        TcpSegmenter s = new TcpSegmenter();
        assertThat(s.load(b, 0, VirtioNetHdr.SIZE + p.length)).isTrue();
        List<byte[]> out = drain(s, 1);
        assertThat(out).hasSize(1);
        assertThat(TcpPackets.tcpChecksumValid(out.get(0))).isTrue();
        assertThat(out.get(0)).isEqualTo(TcpPackets.segment(f, 1, 100, 200, ACK | PSH,
                new byte[0], TcpPackets.pattern(333, 1)));
    }

    @Test
    void aPlainPacketWithoutFlagsPassesUnchangedAndIsCutToTheRoom() {
        byte[] p = TcpPackets.pattern(100, 5);
        p[0] = 0x45;
        ByteBuffer b = TcpPackets.virtio(0, 0, 0, 0, 0, 0, p);
        TcpSegmenter s = new TcpSegmenter();
        assertThat(s.load(b, 0, 110)).isTrue();
        ByteBuffer dst = ByteBuffer.allocate(64);
        assertThat(s.emit(dst, 4, 60)).isEqualTo(60);
        assertThat(TcpPackets.bytes(dst, 4, 60)).isEqualTo(Arrays.copyOf(p, 60));
        assertThat(s.pending()).isFalse();
    }

    @Test
    void aSegmentLargerThanItsBufferIsDroppedAndTheNextOneStillComes() {
        ByteBuffer sp = superPacket(Flow.v4(), 1, ACK, TcpPackets.pattern(3000, 2), 1000);
        TcpSegmenter s = new TcpSegmenter();
        assertThat(s.load(sp, 0, VirtioNetHdr.SIZE + 52 + 3000)).isTrue();
        ByteBuffer small = ByteBuffer.allocate(500);
        assertThat(s.emit(small, 0, 500)).isEqualTo(-1);
        assertThat(s.dropped()).isEqualTo(1);
        ByteBuffer big = ByteBuffer.allocate(2000);
        assertThat(s.emit(big, 0, 2000)).isEqualTo(1052);
        assertThat(u32(TcpPackets.bytes(big, 0, 1052), 24)).isEqualTo(1001);
    }

    @Test
    void malformedSuperPacketsAreCountedDropsNeverExceptions() {
        Flow f = Flow.v4();
        byte[] good = TcpPackets.partial(f, 1, 1, 1, ACK, new byte[0], TcpPackets.pattern(3000, 1));
        List<ByteBuffer> bad = new ArrayList<>();
        int tcp4 = VirtioNetHdr.GSO_TCPV4;
        int csum = VirtioNetHdr.F_NEEDS_CSUM;
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 0, 20, 16, good)); // gso_size 0
        bad.add(TcpPackets.virtio(csum, VirtioNetHdr.GSO_TCPV6, 40, 1000, 20, 16, good));
        bad.add(TcpPackets.virtio(csum, VirtioNetHdr.GSO_UDP_L4, 28, 1000, 20, 6, good));
        bad.add(TcpPackets.virtio(csum, VirtioNetHdr.GSO_UDP, 28, 1000, 20, 6, good));
        byte[] ihl = good.clone();
        ihl[0] = 0x44; // IHL 16 bytes
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 1000, 20, 16, ihl));
        byte[] ihlBeyond = Arrays.copyOf(good, 60); // IHL 60 bytes: no room for TCP
        ihlBeyond[0] = 0x4f;
        TcpPackets.put16(ihlBeyond, 2, 60);
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 1000, 20, 16, ihlBeyond));
        byte[] lying = good.clone();
        TcpPackets.put16(lying, 2, good.length + 100); // total length beyond the read
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 1000, 20, 16, lying));
        byte[] doff = good.clone();
        doff[32] = 0x30; // TCP data offset 12 bytes
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 1000, 20, 16, doff));
        byte[] notTcp = good.clone();
        notTcp[9] = 17;
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 1000, 20, 16, notTcp));
        byte[] fragment = good.clone();
        TcpPackets.put16(fragment, 6, 0x2000);
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 1000, 20, 16, fragment));
        byte[] headersOnly = TcpPackets.partial(f, 1, 1, 1, ACK, new byte[0], new byte[0]);
        bad.add(TcpPackets.virtio(csum, tcp4, 40, 1000, 20, 16, headersOnly));
        bad.add(TcpPackets.virtio(csum, 0, 0, 0, 3040, 0, good)); // csum_start at the end
        bad.add(TcpPackets.virtio(csum, 0, 0, 0, 20, 3019, good)); // field beyond the end

        TcpSegmenter s = new TcpSegmenter();
        for (int i = 0; i < bad.size(); i++) {
            ByteBuffer b = bad.get(i);
            int n = VirtioNetHdr.SIZE + (i == 5 ? 60 : i == 10 ? 40 : good.length);
            assertThat(s.load(b, 0, n)).as("case %d", i).isFalse();
            assertThat(s.pending()).isFalse();
        }
        assertThat(s.load(bad.get(0), 0, 9)).as("shorter than the virtio header").isFalse();
        assertThat(s.load(bad.get(0), 0, 10)).as("no packet").isFalse();
        assertThat(s.load(bad.get(0), 0, 30)).as("truncated TCP").isFalse();
        assertThat(s.dropped()).isEqualTo(bad.size() + 3);
    }

    @Test
    void randomGarbageNeverThrows() {
        Random r = new Random(11);
        TcpSegmenter s = new TcpSegmenter();
        ByteBuffer src = ByteBuffer.allocateDirect(VirtioNetHdr.SIZE + 65600);
        ByteBuffer dst = ByteBuffer.allocateDirect(9280);
        byte[] junk = new byte[2000];
        for (int round = 0; round < 20_000; round++) {
            r.nextBytes(junk);
            // Mostly plausible headers, so that the deeper checks are reached too.
            junk[1] = (byte) (r.nextBoolean() ? VirtioNetHdr.GSO_TCPV4 : r.nextInt(6));
            junk[10] = (byte) (r.nextBoolean() ? 0x45 : 0x60 | r.nextInt(16));
            junk[19] = 6;
            junk[16] = 6;
            int n = r.nextInt(junk.length + 1);
            src.put(0, junk, 0, n);
            if (s.load(src, 0, n)) {
                for (int k = 0; k < 100 && s.pending(); k++) {
                    s.emit(dst, OFFSET, r.nextInt(1, dst.capacity() - OFFSET));
                }
            }
        }
    }
}
