package dev.trellis.tun.linux;

import static dev.trellis.tun.linux.TcpPackets.ACK;
import static dev.trellis.tun.linux.TcpPackets.CWR;
import static dev.trellis.tun.linux.TcpPackets.ECE;
import static dev.trellis.tun.linux.TcpPackets.FIN;
import static dev.trellis.tun.linux.TcpPackets.PSH;
import static dev.trellis.tun.linux.TcpPackets.RST;
import static dev.trellis.tun.linux.TcpPackets.SYN;
import static dev.trellis.tun.linux.TcpPackets.URG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.tun.linux.TcpPackets.Flow;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TcpCoalescerTest {

    static final int OFFSET = 16;

    /** Builds a batch; change one packet with {@link #set} before running. */
    private static final class Batch {
        final List<byte[]> packets = new ArrayList<>();
        final Flow flow;
        int seq = 1000;

        Batch(Flow flow) {
            this.flow = flow;
        }

        Batch add(int payload) {
            return add(flow, payload, ACK, TcpPackets.TIMESTAMPS);
        }

        Batch add(Flow f, int payload, int flags, byte[] options) {
            packets.add(TcpPackets.segment(f, 7 + packets.size(), seq, 4242, flags, options,
                    TcpPackets.pattern(payload, packets.size())));
            seq += payload;
            return this;
        }

        Batch gap(int bytes) {
            seq += bytes;
            return this;
        }

        int run() {
            ByteBuffer[] bufs = TcpPackets.buffers(packets.size());
            int[] sizes = new int[packets.size()];
            for (int i = 0; i < sizes.length; i++) {
                bufs[i].put(OFFSET, packets.get(i));
                sizes[i] = packets.get(i).length;
            }
            return TcpCoalescer.run(bufs, sizes, 0, sizes.length, OFFSET);
        }
    }

    static Batch batch(boolean v6) {
        return new Batch(v6 ? Flow.v6() : Flow.v4());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void mergesARunOfOneFlowEndingInAShortPushedSegment(boolean v6) {
        Batch b = batch(v6).add(1000).add(1000).add(1000);
        b.add(b.flow, 400, ACK | PSH, TcpPackets.TIMESTAMPS);
        assertThat(b.run()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void buildsTheSuperPacketTheKernelExpects(boolean v6) {
        Flow f = v6 ? Flow.v6() : Flow.v4();
        int ip = v6 ? 40 : 20;
        byte[] whole = TcpPackets.pattern(2600, 4);
        ByteBuffer[] bufs = TcpPackets.buffers(3);
        int[] sizes = new int[3];
        for (int i = 0; i < 3; i++) {
            bufs[i].order(ByteOrder.LITTLE_ENDIAN); // the engine's buffers may be little-endian
            byte[] p = TcpPackets.segment(f, 50 + i, 9000 + i * 1000, 4242,
                    i == 2 ? ACK | PSH : ACK, TcpPackets.TIMESTAMPS,
                    Arrays.copyOfRange(whole, i * 1000, Math.min(2600, i * 1000 + 1000)));
            bufs[i].put(OFFSET, p);
            sizes[i] = p.length;
        }
        assertThat(TcpCoalescer.run(bufs, sizes, 0, 3, OFFSET)).isEqualTo(3);
        ByteBuffer out = ByteBuffer.allocateDirect(VirtioNetHdr.SIZE + 65535);
        int len = TcpCoalescer.build(bufs, sizes, 0, 3, OFFSET, out);

        assertThat(len).isEqualTo(VirtioNetHdr.SIZE + ip + 32 + 2600);
        assertThat(VirtioNetHdr.flags(out, 0)).isEqualTo(VirtioNetHdr.F_NEEDS_CSUM);
        assertThat(VirtioNetHdr.gsoType(out, 0))
                .isEqualTo(v6 ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4);
        assertThat(VirtioNetHdr.hdrLen(out, 0)).isEqualTo(ip + 32);
        assertThat(VirtioNetHdr.gsoSize(out, 0)).isEqualTo(1000);
        assertThat(VirtioNetHdr.csumStart(out, 0)).isEqualTo(ip);
        assertThat(VirtioNetHdr.csumOffset(out, 0)).isEqualTo(16);
        byte[] p = TcpPackets.bytes(out, VirtioNetHdr.SIZE, len - VirtioNetHdr.SIZE);
        byte[] expected = TcpPackets.partial(f, 50, 9000, 4242, ACK | PSH, TcpPackets.TIMESTAMPS,
                whole);
        assertThat(Hex.of(p)).isEqualTo(Hex.of(expected));
        if (!v6) {
            assertThat(TcpPackets.ipv4HeaderValid(p)).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void refusesEveryMismatch(boolean v6) {
        Flow f = v6 ? Flow.v6() : Flow.v4();
        byte[] ts = TcpPackets.TIMESTAMPS;
        byte[] otherTs = ts.clone();
        otherTs[11]++;
        assertThat(batch(v6).add(1000).add(f.withDstPort(1), 1000, ACK, ts).run())
                .as("other flow").isEqualTo(1);
        assertThat(batch(v6).add(1000).add(f.reversed(), 1000, ACK, ts).run())
                .as("reverse direction").isEqualTo(1);
        assertThat(batch(v6).add(1000).add(f.withTtl(63), 1000, ACK, ts).run())
                .as("TTL").isEqualTo(1);
        assertThat(batch(v6).add(1000).add(f.withTos(4), 1000, ACK, ts).run())
                .as("TOS / traffic class").isEqualTo(1);
        assertThat(batch(v6).add(1000).add(f.withWindow(1), 1000, ACK, ts).run())
                .as("window").isEqualTo(1);
        assertThat(batch(v6).add(1000).gap(1).add(1000).run()).as("sequence gap").isEqualTo(1);
        assertThat(batch(v6).add(1000).gap(-1000).add(1000).run()).as("retransmission")
                .isEqualTo(1);
        for (int flag : new int[] {SYN, FIN, RST, URG, ECE, CWR}) {
            assertThat(batch(v6).add(1000).add(f, 1000, ACK | flag, ts).run())
                    .as("flag %x on the second", flag).isEqualTo(1);
            assertThat(batch(v6).add(f, 1000, ACK | flag, ts).add(1000).run())
                    .as("flag %x on the first", flag).isEqualTo(1);
        }
        assertThat(batch(v6).add(f, 1000, 0, ts).add(f, 1000, 0, ts).run()).as("no ACK")
                .isEqualTo(1);
        assertThat(batch(v6).add(f, 1000, ACK | PSH, ts).add(1000).run()).as("PSH first")
                .isEqualTo(1);
        assertThat(batch(v6).add(1000).add(f, 1000, ACK | PSH, ts).add(1000).run())
                .as("PSH ends the run").isEqualTo(2);
        assertThat(batch(v6).add(1000).add(f, 1000, ACK, otherTs).run()).as("options")
                .isEqualTo(1);
        assertThat(batch(v6).add(1000).add(f, 1000, ACK, new byte[0]).run())
                .as("header length").isEqualTo(1);
        assertThat(batch(v6).add(1000).add(1001).run()).as("larger later").isEqualTo(1);
        assertThat(batch(v6).add(1000).add(500).add(1000).run()).as("short ends the run")
                .isEqualTo(2);
        assertThat(batch(v6).add(1000).add(0).run()).as("pure ACK").isEqualTo(1);
        assertThat(batch(v6).add(0).add(0).run()).as("pure ACKs").isEqualTo(1);

        Batch ack = batch(v6).add(1000);
        ack.packets.add(TcpPackets.segment(f, 1, ack.seq, 4243, ACK, ts, new byte[1000]));
        assertThat(ack.run()).as("acknowledgement number").isEqualTo(1);

        Batch big = batch(v6);
        for (int i = 0; i < 50; i++) {
            big.add(1400);
        }
        int hdr = (v6 ? 40 : 20) + 32;
        assertThat(big.run()).as("at most 65535 bytes").isEqualTo((65535 - hdr) / 1400);
    }

    @Test
    void refusesIpv4OptionsAndFragments() {
        Batch b = batch(false).add(1000).add(1000);
        byte[] first = b.packets.get(0);
        TcpPackets.put16(first, 6, 0x2000); // more fragments
        assertThat(b.run()).isEqualTo(1);
        Batch c = batch(false).add(1000).add(1000);
        c.packets.get(0)[0] = 0x46;
        assertThat(c.run()).isEqualTo(1);
    }

    @Test
    void malformedPacketsAreLeftAloneWithoutExceptions() {
        Random r = new Random(5);
        ByteBuffer[] bufs = TcpPackets.buffers(4);
        int[] sizes = new int[4];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < 4; i++) {
                byte[] p = TcpPackets.segment(r.nextBoolean() ? Flow.v4() : Flow.v6(), i,
                        1000 + i * 100, 1, ACK, new byte[0], new byte[100]);
                int len = r.nextInt(1, p.length + 40);
                byte[] junk = new byte[len];
                System.arraycopy(p, 0, junk, 0, Math.min(len, p.length));
                junk[r.nextInt(Math.min(len, 60))] ^= (byte) (1 << r.nextInt(8));
                bufs[i].put(OFFSET, junk);
                sizes[i] = r.nextInt(4) == 0 ? r.nextInt(1, 9000) : len;
            }
            int n = TcpCoalescer.run(bufs, sizes, 0, 4, OFFSET);
            assertThat(n).isBetween(1, 4);
        }
        byte[] truncated = Arrays.copyOf(TcpPackets.segment(Flow.v4(), 1, 1, 1, ACK,
                new byte[0], new byte[10]), 30);
        bufs[0].put(OFFSET, truncated);
        sizes[0] = 30;
        assertThat(TcpCoalescer.headerLength(bufs[0], OFFSET, 30)).isEqualTo(-1);
    }
}
