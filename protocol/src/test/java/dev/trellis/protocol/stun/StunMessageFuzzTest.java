package dev.trellis.protocol.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Any datagram given to the STUN parser ends in a message or a {@link StunException}, never
 * another exception; a parsed message is STUN by {@link StunMessage#isStun}, within the attribute
 * bound, and its mapped address (if any) reads cleanly or fails with a reason. A plain
 * {@code mvn test} replays the inputs under src/test/resources; {@code JAZZER_FUZZ=1} fuzzes.
 */
class StunMessageFuzzTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 3478);

    @FuzzTest(maxDuration = "30s")
    void datagram(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        StunMessage m;
        try {
            m = StunMessage.parse(b);
        } catch (StunException e) {
            requireReason(e);
            return;
        }
        if (!StunMessage.isStun(b) || m.attributes().size() > StunMessage.MAX_ATTRIBUTES || b.position() != 0) {
            throw new AssertionError("parsed a message that breaks the invariants: " + m);
        }
        try {
            m.mappedAddress();
            StunClient.answer(b, SERVER, SERVER, m.transactionId());
        } catch (StunException e) {
            requireReason(e);
        }
    }

    private static void requireReason(StunException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("StunException without a reason", e);
        }
    }
}
