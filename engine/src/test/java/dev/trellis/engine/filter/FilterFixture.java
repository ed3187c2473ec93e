package dev.trellis.engine.filter;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.FilterRule.PortRange;
import dev.trellis.protocol.net.IpPrefix;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One node's filter state on a fake clock: node 100.64.0.3 / fd7a:115c:a1e0::3. */
final class FilterFixture {
    static final String ME4 = "100.64.0.3";
    static final String ME6 = "fd7a:115c:a1e0::3";
    static final String PEER4 = "100.64.0.2";
    static final String PEER6 = "fd7a:115c:a1e0::2";
    static final List<IpPrefix> LOCAL = List.of(IpPrefix.parse(ME4), IpPrefix.parse(ME6));

    long nanos = 1_000_000_000L;
    final List<String> log = new ArrayList<>();
    final FlowTable flows;
    final FilterCounters counters = new FilterCounters(() -> nanos, log::add);

    FilterFixture() {
        this(1024);
    }

    FilterFixture(int capacity) {
        flows = new FlowTable(capacity, () -> nanos);
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }

    PacketFilter filter(FilterRule... rules) {
        return PacketFilter.compile(Arrays.asList(rules), LOCAL, flows, counters);
    }

    static FilterRule rule(List<String> src, List<PortRange> dst, Integer... protos) {
        return new FilterRule(src, dst, List.of(protos));
    }

    static FilterRule rule(String src, String dstIp, int first, int last, Integer... protos) {
        return rule(List.of(src), List.of(new PortRange(dstIp, first, last)), protos);
    }

    static Verdict in(PacketFilter f, TestPackets p) {
        return in(f, p.build());
    }

    static Verdict in(PacketFilter f, byte[] packet) {
        return f.inbound(ByteBuffer.wrap(packet), 0, packet.length);
    }

    static void out(PacketFilter f, TestPackets p) {
        byte[] packet = p.build();
        f.outbound(ByteBuffer.wrap(packet), 0, packet.length);
    }

    long dropped(DropReason r) {
        return counters.snapshot().dropped(r);
    }
}
