package dev.trellis.engine.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.filter.DropReason;
import dev.trellis.engine.filter.FilterCounters;
import dev.trellis.engine.filter.FlowTable;
import dev.trellis.engine.filter.PacketFilter;
import dev.trellis.engine.filter.TestPackets;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.FilterRule.PortRange;
import dev.trellis.protocol.net.IpPrefix;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wrapper applies the filter to both directions and compacts batches correctly. */
class FilteringTunTest {
    static final String ME = "100.64.0.3";
    static final String PEER = "100.64.0.2";
    static final int HEADROOM = 16;

    private final FakeTun raw = new FakeTun(8);
    private final FlowTable flows = new FlowTable();
    private final FilterCounters counters = new FilterCounters();
    /** Peers may reach TCP port 22 only. */
    private final PacketFilter sshOnly = PacketFilter.compile(
            List.of(new FilterRule(List.of("*"), List.of(new PortRange("*", 22, 22)), List.of(6))),
            List.of(IpPrefix.parse(ME)), flows, counters);
    private final FilteringTun tun = new FilteringTun(raw, sshOnly);

    @AfterEach
    void close() throws Exception {
        tun.close();
    }

    static ByteBuffer[] buffers(int n) {
        ByteBuffer[] bufs = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            bufs[i] = ByteBuffer.allocate(HEADROOM + 2048);
        }
        return bufs;
    }

    static void place(ByteBuffer[] bufs, int[] sizes, int i, byte[] packet) {
        bufs[i].put(HEADROOM, packet);
        sizes[i] = packet.length;
    }

    @Test
    void aWriteBatchLosesItsDroppedPacketsAndNothingElse() throws Exception {
        byte[] ssh1 = TestPackets.tcp(PEER, 1000, ME, 22, 0x02).build();
        byte[] web = TestPackets.tcp(PEER, 1001, ME, 80, 0x02).build();
        byte[] ssh2 = TestPackets.tcp(PEER, 1002, ME, 22, 0x02).payload(100).build();
        byte[] dns = TestPackets.udp(PEER, 1003, ME, 53).build();
        ByteBuffer[] bufs = buffers(4);
        int[] sizes = new int[4];
        place(bufs, sizes, 0, web);
        place(bufs, sizes, 1, ssh1);
        place(bufs, sizes, 2, dns);
        place(bufs, sizes, 3, ssh2);
        bufs[3].limit(0); // batch calls ignore limits
        ByteBuffer[] bufsBefore = bufs.clone();
        int[] sizesBefore = sizes.clone();
        byte[][] contentBefore = new byte[4][];
        for (int i = 0; i < 4; i++) {
            contentBefore[i] = bufs[i].duplicate().clear().array().clone();
        }

        tun.write(bufs, sizes, 4, HEADROOM);

        assertThat(raw.toOs).containsExactly(ssh1, ssh2);
        assertThat(raw.batchCounts).containsExactly(2);
        assertThat(raw.batchBufs.getFirst()).isNotSameAs(bufs);
        assertThat(bufs).isEqualTo(bufsBefore);
        assertThat(sizes).isEqualTo(sizesBefore);
        for (int i = 0; i < 4; i++) {
            assertThat(bufs[i].array()).isEqualTo(contentBefore[i]);
        }
        assertThat(counters.snapshot().dropped(DropReason.NO_RULE)).isEqualTo(2);
    }

    @Test
    void aWriteBatchWithNothingDroppedIsPassedOnAsItIs() throws Exception {
        ByteBuffer[] bufs = buffers(3);
        int[] sizes = new int[3];
        for (int i = 0; i < 3; i++) {
            place(bufs, sizes, i, TestPackets.tcp(PEER, 1000 + i, ME, 22).build());
        }
        tun.write(bufs, sizes, 2, HEADROOM);
        assertThat(raw.batchBufs).hasSize(1);
        assertThat(raw.batchBufs.getFirst()).isSameAs(bufs);
        assertThat(raw.batchCounts).containsExactly(2);
    }

    @Test
    void aWriteBatchWithEverythingDroppedWritesNothing() throws Exception {
        ByteBuffer[] bufs = buffers(2);
        int[] sizes = new int[2];
        place(bufs, sizes, 0, TestPackets.udp(PEER, 1, ME, 53).build());
        place(bufs, sizes, 1, new byte[] {0x45, 0, 0, 1});
        tun.write(bufs, sizes, 2, HEADROOM);
        assertThat(raw.batchCounts).isEmpty();
        assertThat(raw.toOs).isEmpty();
        assertThat(counters.snapshot().dropped(DropReason.MALFORMED)).isEqualTo(1);
        assertThatThrownBy(() -> tun.write(bufs, sizes, 3, HEADROOM)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSingleDroppedWriteConsumesTheBufferLikeAWrite() throws Exception {
        ByteBuffer web = ByteBuffer.wrap(TestPackets.tcp(PEER, 1, ME, 80).build());
        tun.write(web);
        assertThat(web.hasRemaining()).isFalse();
        ByteBuffer ssh = ByteBuffer.wrap(TestPackets.tcp(PEER, 1, ME, 22).build());
        tun.write(ssh);
        assertThat(ssh.hasRemaining()).isFalse();
        assertThat(raw.toOs).hasSize(1);
    }

    @Test
    void packetsTheOsSendsOpenTheirFlowsForReplies() throws Exception {
        raw.osSends(TestPackets.udp(ME, 5353, PEER, 53).build());
        raw.osSends(TestPackets.tcp(ME, 40000, PEER, 443, 0x02).build());
        ByteBuffer[] bufs = buffers(8);
        int[] sizes = new int[8];
        assertThat(tun.read(bufs, sizes, HEADROOM)).isEqualTo(2);
        raw.osSends(TestPackets.echo(ME, PEER, true, 3).build());
        ByteBuffer one = ByteBuffer.allocate(2048);
        assertThat(tun.read(one)).isEqualTo(one.position());

        tun.write(ByteBuffer.wrap(TestPackets.udp(PEER, 53, ME, 5353).build()));
        tun.write(ByteBuffer.wrap(TestPackets.tcp(PEER, 443, ME, 40000, 0x12).build()));
        tun.write(ByteBuffer.wrap(TestPackets.echo(PEER, ME, false, 3).build()));
        assertThat(raw.toOs).hasSize(3);
        assertThat(counters.snapshot().acceptedByFlow()).isEqualTo(3);
    }

    @Test
    void delegatesTheDevicesIdentity() throws Exception {
        assertThat(tun.name()).isEqualTo("fake0");
        assertThat(tun.mtu()).isEqualTo(1280);
        assertThat(tun.batchSize()).isEqualTo(8);
        assertThat(tun.filter()).isSameAs(sshOnly);
        tun.setFilter(PacketFilter.DENY_ALL);
        assertThat(tun.filter()).isSameAs(PacketFilter.DENY_ALL);
        assertThatThrownBy(() -> tun.setFilter(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aFilterSwapDuringWritesJudgesEachPacketByOneFilterAndLosesNone() throws Exception {
        PacketFilter allow = PacketFilter.allowAll(flows, counters);
        PacketFilter deny = PacketFilter.denyAll(flows, counters);
        tun.setFilter(allow);
        int writers = 3;
        int batches = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?> swapper = pool.submit(() -> {
                start.await();
                int swaps = 0;
                while (!done.get() || swaps < 100) {
                    tun.setFilter(swaps++ % 2 == 0 ? deny : allow);
                }
                return null;
            });
            List<Future<?>> results = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int port = 1000 + w;
                results.add(pool.submit(() -> {
                    ByteBuffer[] bufs = buffers(4);
                    int[] sizes = new int[4];
                    for (int i = 0; i < 4; i++) {
                        place(bufs, sizes, i, TestPackets.udp(PEER, port, ME, 9).payload(i).build());
                    }
                    start.await();
                    for (int b = 0; b < batches; b++) {
                        tun.write(bufs, sizes, 4, HEADROOM);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> r : results) {
                r.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            swapper.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        FilterCounters.Snapshot s = counters.snapshot();
        long sent = (long) writers * batches * 4;
        assertThat(s.acceptedUnfiltered() + s.dropped(DropReason.NO_FILTER)).isEqualTo(sent);
        assertThat((long) raw.toOs.size()).isEqualTo(s.acceptedUnfiltered());
        assertThat(raw.batchCounts).allSatisfy(n -> assertThat(n).isEqualTo(4));
    }

    @Test
    void closingClosesTheDevice() throws Exception {
        tun.close();
        assertThatThrownBy(() -> tun.read(ByteBuffer.allocate(100)))
                .isInstanceOf(java.nio.channels.ClosedChannelException.class);
        assertThat(raw.awaitWritten(Duration.ZERO)).isNull();
    }
}
