package dev.trellis.engine.wg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trellis.protocol.crypto.Blake2s;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Any datagram given to a configured device is handled or counted, never thrown. Handshake-sized
 * inputs get a valid MAC1 so that the fuzzer reaches the Noise parsing behind it. A plain
 * {@code mvn test} runs the regression inputs; {@code JAZZER_FUZZ=1} fuzzes for maxDuration.
 */
class MessageFuzzTest {
    private static DevicePair pair;

    private static synchronized DevicePair pair() throws Exception {
        if (pair == null) {
            pair = new DevicePair();
        }
        return pair;
    }

    @FuzzTest(maxDuration = "30s")
    void datagram(byte[] data) throws Exception {
        DevicePair p = pair();
        Device b = p.b;
        InetSocketAddress src = p.bindA.localAddress();
        byte[] msg = data.length > Messages.MAX_MESSAGE_SIZE ? Arrays.copyOf(data, Messages.MAX_MESSAGE_SIZE) : data;
        int type = msg.length >= 4 ? msg[0] : -1;
        if ((type == Messages.TYPE_INITIATION && msg.length == Messages.INITIATION_SIZE)
                || (type == Messages.TYPE_RESPONSE && msg.length == Messages.RESPONSE_SIZE)) {
            msg = msg.clone();
            msg[1] = 0;
            msg[2] = 0;
            msg[3] = 0;
            byte[] key = Blake2s.hash(Noise.LABEL_MAC1, p.keyB.publicKey().toBytes());
            byte[] mac1 = Blake2s.mac(key, 16, Arrays.copyOf(msg, msg.length - 32));
            System.arraycopy(mac1, 0, msg, msg.length - 32, 16);
            try {
                b.handshakes().handle(msg, src, System.nanoTime());
            } catch (java.security.GeneralSecurityException expected) {
                // a message that fails authentication: the worker counts these
            }
            return;
        }
        Element e = b.pool().take();
        int n = Math.min(msg.length, e.buffer.capacity());
        e.buffer.clear();
        e.buffer.put(msg, 0, n).flip();
        b.inbound().dispatch(e, src);
        b.crypto().dispatch();
    }
}
