package dev.trellis.protocol.disco;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trellis.protocol.key.DiscoPrivateKey;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Any datagram given to the disco decoder ends in a message or a {@link DiscoException}, never
 * another exception, and a decoded message encodes back to itself. The first byte picks the
 * target: odd, the rest is a raw datagram (header checks, box opening); even, the rest is a
 * payload sealed here with a known key, so the fuzzer reaches the message parser behind the box.
 * A plain {@code mvn test} replays the inputs under src/test/resources; {@code JAZZER_FUZZ=1}
 * fuzzes for maxDuration.
 */
class DiscoCodecFuzzTest {
    private static final DiscoPrivateKey ALICE = NaclBoxTest.ALICE;
    private static final DiscoPrivateKey BOB = NaclBoxTest.BOB;
    private static final NaclBox.SharedKey KEY = shared();
    private static final byte[] NONCE = new byte[NaclBox.NONCE_LENGTH];

    private static NaclBox.SharedKey shared() {
        try {
            return NaclBox.SharedKey.derive(ALICE.publicKey(), BOB);
        } catch (java.security.InvalidKeyException e) {
            throw new AssertionError(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void datagram(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        ByteBuffer packet;
        if ((data[0] & 1) == 1) {
            packet = ByteBuffer.wrap(rest);
        } else {
            byte[] box = KEY.seal(rest, NONCE);
            byte[] p = new byte[DiscoCodec.HEADER_LENGTH + box.length];
            System.arraycopy(DiscoCodec.MAGIC, 0, p, 0, DiscoCodec.MAGIC.length);
            ALICE.publicKey().copyTo(p, DiscoCodec.KEY_OFFSET);
            System.arraycopy(box, 0, p, DiscoCodec.HEADER_LENGTH, box.length);
            packet = ByteBuffer.wrap(p);
        }
        DiscoMessage m;
        try {
            m = DiscoCodec.decode(packet, KEY);
        } catch (DiscoException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("DiscoException without a reason", e);
            }
            return;
        }
        try {
            DiscoMessage again = DiscoCodec.decodePayload(DiscoCodec.encodePayload(m));
            if (!again.equals(m)) {
                throw new AssertionError("re-encoding changed " + m + " into " + again);
            }
        } catch (DiscoException e) {
            throw new AssertionError("our own encoding of " + m + " does not decode", e);
        }
    }
}
