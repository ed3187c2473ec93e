package dev.trellis.engine.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The flow table's bound, eviction order, expiry and concurrent use. */
class FlowTableTest {
    private long nanos = 42;

    private static long udp(int localPort) {
        return FlowTable.meta(FlowTable.KIND_FLOW, false, Packet.UDP, 53L << 16 | localPort);
    }

    private static long tcp(int localPort) {
        return FlowTable.meta(FlowTable.KIND_FLOW, false, Packet.TCP, 443L << 16 | localPort);
    }

    @Test
    void capacityIsRoundedUpToAPowerOfTwoOfWholeSets() {
        assertThat(new FlowTable(1, () -> 0).capacity()).isEqualTo(8);
        assertThat(new FlowTable(9, () -> 0).capacity()).isEqualTo(16);
        assertThat(new FlowTable(65_536, () -> 0).capacity()).isEqualTo(65_536);
        assertThat(new FlowTable().capacity()).isEqualTo(FlowTable.DEFAULT_CAPACITY);
        assertThatThrownBy(() -> new FlowTable(0, () -> 0)).hasMessageContaining("capacity 0");
        assertThatThrownBy(() -> new FlowTable(1 << 25, () -> 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFullTableEvictsTheFlowClosestToExpiry() {
        FlowTable t = new FlowTable(8, () -> nanos); // one set of 8
        for (int i = 0; i < 8; i++) {
            t.track(udp(i), 0, 1, 0, 2, nanos);
            nanos += 1_000;
        }
        t.track(tcp(100), 0, 1, 0, 2, nanos); // a TCP flow lives longer than any UDP one
        assertThat(t.lookup(udp(1), 0, 1, 0, 2, nanos)).isTrue(); // renewed: now the newest UDP
        t.track(udp(8), 0, 1, 0, 2, nanos);
        assertThat(t.evictions()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(8);
        assertThat(t.lookup(udp(0), 0, 1, 0, 2, nanos)).as("oldest, evicted first").isFalse();
        assertThat(t.lookup(udp(2), 0, 1, 0, 2, nanos)).as("next oldest, evicted second").isFalse();
        assertThat(t.lookup(udp(1), 0, 1, 0, 2, nanos)).isTrue();
        assertThat(t.lookup(tcp(100), 0, 1, 0, 2, nanos)).isTrue();
        assertThat(t.lookup(udp(8), 0, 1, 0, 2, nanos)).isTrue();
    }

    @Test
    void expiredSlotsAreReusedBeforeLiveOnesAreEvicted() {
        FlowTable t = new FlowTable(8, () -> nanos);
        for (int i = 0; i < 8; i++) {
            t.track(udp(i), 0, 1, 0, 2, nanos);
        }
        nanos += FlowTable.UDP_IDLE.toNanos();
        assertThat(t.size()).isZero();
        for (int i = 10; i < 18; i++) {
            t.track(udp(i), 0, 1, 0, 2, nanos);
        }
        assertThat(t.evictions()).isZero();
        assertThat(t.size()).isEqualTo(8);
    }

    @Test
    void theTableNeverHoldsMoreThanItsCapacity() {
        FlowTable t = new FlowTable(1024, () -> nanos);
        for (int i = 0; i < 100_000; i++) {
            t.track(udp(i & 0xffff), 0, i >>> 16, 0, 2, nanos);
        }
        assertThat(t.size()).isEqualTo(1024);
        assertThat(t.evictions()).isEqualTo(100_000 - 1024);
    }

    @Test
    void keysAreExact() {
        FlowTable t = new FlowTable(1024, () -> nanos);
        t.track(udp(1), 5, 6, 7, 8, nanos);
        assertThat(t.lookup(udp(1), 5, 6, 7, 8, nanos)).isTrue();
        assertThat(t.lookup(udp(2), 5, 6, 7, 8, nanos)).isFalse();
        assertThat(t.lookup(udp(1), 4, 6, 7, 8, nanos)).isFalse();
        assertThat(t.lookup(udp(1), 5, 7, 7, 8, nanos)).isFalse();
        assertThat(t.lookup(udp(1), 5, 6, 6, 8, nanos)).isFalse();
        assertThat(t.lookup(udp(1), 5, 6, 7, 9, nanos)).isFalse();
        assertThat(t.lookup(FlowTable.meta(FlowTable.KIND_FLOW, true, Packet.UDP, 53L << 16 | 1), 5, 6, 7, 8, nanos))
                .as("other family").isFalse();
        assertThat(t.lookup(FlowTable.meta(FlowTable.KIND_FRAGMENT, false, Packet.UDP, 53L << 16 | 1), 5, 6, 7, 8, nanos))
                .as("other kind").isFalse();
    }

    @Test
    void theClockMayWrap() {
        nanos = Long.MAX_VALUE - 10;
        FlowTable t = new FlowTable(8, () -> nanos);
        t.track(udp(1), 0, 1, 0, 2, nanos);
        nanos += Duration.ofSeconds(60).toNanos(); // overflows
        assertThat(t.lookup(udp(1), 0, 1, 0, 2, nanos)).isTrue();
        nanos += FlowTable.UDP_IDLE.toNanos();
        assertThat(t.lookup(udp(1), 0, 1, 0, 2, nanos)).isFalse();
    }

    @Test
    void threadsTrackingAndLookingUpDisjointFlowsLoseNone() throws Exception {
        FlowTable t = new FlowTable(1 << 16, System::nanoTime);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                long remote = thread;
                results.add(pool.submit(() -> {
                    int found = 0;
                    for (int i = 0; i < 500; i++) {
                        t.track(udp(i), 0, remote, 0, 9, t.now());
                        found += t.lookup(udp(i), 0, remote, 0, 9, t.now()) ? 1 : 0;
                    }
                    return found;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(500);
            }
        } finally {
            pool.shutdownNow();
        }
        // 2,000 flows in 8,192 sets of 8: a set overflows with odds below 1e-7
        assertThat(t.evictions()).isZero();
    }
}
