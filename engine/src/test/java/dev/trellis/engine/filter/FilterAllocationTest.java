package dev.trellis.engine.filter;

import static dev.trellis.engine.filter.FilterFixture.ME4;
import static dev.trellis.engine.filter.FilterFixture.ME6;
import static dev.trellis.engine.filter.FilterFixture.PEER4;
import static dev.trellis.engine.filter.FilterFixture.PEER6;
import static dev.trellis.engine.filter.FilterFixture.rule;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Judging packets allocates nothing once warm: parsing, rule matching, flow lookups, drops. */
class FilterAllocationTest {
    @Test
    void theHotPathAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FilterFixture fx = new FilterFixture();
        PacketFilter f = fx.filter(rule("100.64.0.0/10", "*", 22, 22), rule("fd7a:115c:a1e0::/48", "*", 53, 53));
        ByteBuffer[] in = {
            buffer(TestPackets.tcp(PEER4, 1, ME4, 22).payload(100)), // rule
            buffer(TestPackets.udp(PEER6, 1, ME6, 53).extensions(0, 60)), // rule, IPv6 extension headers
            buffer(TestPackets.udp(PEER4, 53, ME4, 5353)), // flow
            buffer(TestPackets.echo(PEER6, ME6, false, 9)), // flow
            buffer(TestPackets.tcp(PEER4, 1, ME4, 80)), // no rule (logged once only)
            buffer(TestPackets.udp(PEER4, 1, "10.0.0.1", 53)), // not for us
        };
        ByteBuffer[] out = {
            buffer(TestPackets.udp(ME4, 5353, PEER4, 53)),
            buffer(TestPackets.echo(ME6, PEER6, true, 9)),
        };
        Runnable round = () -> {
            for (ByteBuffer b : out) {
                f.outbound(b, 0, b.limit());
            }
            for (ByteBuffer b : in) {
                f.inbound(b, 0, b.limit());
            }
        };
        for (int i = 0; i < 20_000; i++) {
            round.run();
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            round.run();
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(fx.counters.snapshot().acceptedTotal()).isEqualTo(4L * 120_000);
        assertThat(allocated).as("bytes allocated for 800,000 packets").isLessThan(64 * 1024);
    }

    private static ByteBuffer buffer(TestPackets p) {
        return ByteBuffer.wrap(p.build());
    }
}
