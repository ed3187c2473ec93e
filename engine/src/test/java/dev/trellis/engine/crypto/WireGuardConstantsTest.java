package dev.trellis.engine.crypto;

import dev.trellis.protocol.crypto.Blake2s;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The Noise IK handshake's starting values (WireGuard whitepaper §5.4.2). wireguard-go derives
 * them at init (device/noise-protocol.go); boringtun hard-codes them as INITIAL_CHAIN_KEY and
 * INITIAL_CHAIN_HASH (src/noise/handshake.rs), which is where the expected bytes come from.
 */
class WireGuardConstantsTest {

    static final byte[] CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(US_ASCII);
    static final byte[] IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(US_ASCII);

    @Test
    void initialChainingKey() {
        assertThat(Blake2s.hash(CONSTRUCTION)).isEqualTo(unsigned(
                96, 226, 109, 174, 243, 39, 239, 192, 46, 195, 53, 226, 160, 37, 210, 208,
                22, 235, 66, 6, 248, 114, 119, 245, 45, 56, 209, 152, 139, 120, 205, 54));
    }

    @Test
    void initialHash() {
        byte[] c = Blake2s.hash(CONSTRUCTION);
        assertThat(Blake2s.hash(c, IDENTIFIER)).isEqualTo(unsigned(
                34, 17, 179, 97, 8, 26, 197, 102, 105, 18, 67, 219, 69, 138, 213, 50,
                45, 156, 108, 102, 34, 147, 232, 183, 14, 225, 156, 101, 186, 7, 158, 243));
    }

    private static byte[] unsigned(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
