package dev.trellis.engine.filter;

import static dev.trellis.engine.filter.FilterFixture.rule;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Any bytes given to the filter in either direction are judged or ignored, never thrown, and a
 * packet that parses lies within the bytes given. A plain {@code mvn test} replays the inputs
 * under src/test/resources; {@code JAZZER_FUZZ=1} fuzzes for maxDuration.
 */
class PacketFilterFuzzTest {
    private static final FilterFixture FX = new FilterFixture(64);
    private static final PacketFilter FILTER = FX.filter(
            rule("100.64.0.0/10", "*", 22, 22),
            rule("fd7a:115c:a1e0::/48", "*", 53, 53, 17),
            rule("*", "192.168.0.0/16", 0, 65535, 47, 132, 1, 58));

    @FuzzTest(maxDuration = "30s")
    void packet(byte[] data) {
        // Both directions see the same bytes: outbound fills the flow table that inbound reads.
        ByteBuffer b = ByteBuffer.allocate(data.length + 7);
        b.put(7, data);
        FILTER.outbound(b, 7, data.length);
        Verdict v = FILTER.inbound(b, 7, data.length);
        if (v == null) {
            throw new AssertionError("no verdict");
        }
        Packet p = new Packet();
        if (p.parse(b, 7, data.length) && (p.length > data.length || p.length < 20)) {
            throw new AssertionError("parsed length " + p.length + " of " + data.length + " bytes");
        }
    }
}
