package dev.trellis.engine.crypto;

import dev.trellis.protocol.crypto.ChaChaPoly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

class XChaChaPolyTest {

    private static final HexFormat HEX = HexFormat.of();

    /**
     * draft-irtf-cfrg-xchacha-03 §A.3.1: key 80..9f, nonce 40..57, and the RFC 8439 plaintext
     * and AAD.
     */
    @Test
    void xchachaDraftSectionA31() throws Exception {
        byte[] nonce = HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
        byte[] sealed = XChaChaPoly.seal(
                Rfc8439.KEY, nonce, Rfc8439.SUNSCREEN, Rfc8439.AAD);
        assertThat(HEX.formatHex(sealed)).isEqualTo(
                "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
                + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
                + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
                + "21f9664c97637da9768812f615c68b13b52e"
                + "c0875924c1c7987947deafd8780acf49");
        assertThat(XChaChaPoly.open(Rfc8439.KEY, nonce, sealed, Rfc8439.AAD))
                .isEqualTo(Rfc8439.SUNSCREEN);
    }

    /** draft-irtf-cfrg-xchacha-03 §2.2.1 HChaCha20 vector, for the test's own HChaCha20. */
    @Test
    void hchacha20DraftSection221() {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = HEX.parseHex("000000090000004a0000000031415927");
        assertThat(HEX.formatHex(hchacha20(key, nonce))).isEqualTo(
                "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc");
    }

    /**
     * Cross-check BouncyCastle's XChaCha20-Poly1305 against the draft's construction (§2.3):
     * ChaCha20-Poly1305 under HChaCha20(key, nonce[0..16]) with nonce 0⁴ || nonce[16..24], here
     * through the JDK's AEAD, over random lengths including empty.
     */
    @Test
    void matchesHChaCha20PlusJdkAead() throws Exception {
        Random random = new Random(20240611);
        for (int len : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 200, 1000}) {
            byte[] key = bytes(random, 32);
            byte[] nonce = bytes(random, 24);
            byte[] plaintext = bytes(random, len);
            byte[] aad = bytes(random, len % 20);
            byte[] subkey = hchacha20(key, Arrays.copyOf(nonce, 16));
            byte[] innerNonce = new byte[12];
            System.arraycopy(nonce, 16, innerNonce, 4, 8);
            byte[] expected = ChaChaPoly.sealWithNonce(subkey, innerNonce, plaintext, aad);
            byte[] sealed = XChaChaPoly.seal(key, nonce, plaintext, aad);
            assertThat(sealed).as("length %d", len).isEqualTo(expected);
            assertThat(XChaChaPoly.open(key, nonce, sealed, aad)).isEqualTo(plaintext);
        }
    }

    @Test
    void tamperingIsDetected() {
        byte[] key = new byte[32];
        byte[] nonce = new byte[24];
        byte[] sealed = XChaChaPoly.seal(key, nonce, new byte[16], new byte[32]);
        for (int index = 0; index < sealed.length; index += 7) {
            byte[] bad = sealed.clone();
            bad[index] ^= (byte) 0x80;
            assertThatThrownBy(() -> XChaChaPoly.open(key, nonce, bad, new byte[32]))
                    .isInstanceOf(AEADBadTagException.class);
        }
        byte[] badNonce = nonce.clone();
        badNonce[23] = 1;
        assertThatThrownBy(() -> XChaChaPoly.open(key, badNonce, sealed, new byte[32]))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> XChaChaPoly.open(key, nonce, sealed, new byte[31]))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> XChaChaPoly.open(key, nonce, new byte[15], null))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> XChaChaPoly.seal(key, new byte[12], new byte[1], null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** HChaCha20 straight from draft-irtf-cfrg-xchacha-03 §2.2, independent of BouncyCastle. */
    static byte[] hchacha20(byte[] key, byte[] nonce16) {
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer n = ByteBuffer.wrap(nonce16).order(ByteOrder.LITTLE_ENDIAN);
        int[] s = new int[16];
        s[0] = 0x61707865;
        s[1] = 0x3320646e;
        s[2] = 0x79622d32;
        s[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            s[4 + i] = k.getInt(4 * i);
        }
        for (int i = 0; i < 4; i++) {
            s[12 + i] = n.getInt(4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarterRound(s, 0, 4, 8, 12);
            quarterRound(s, 1, 5, 9, 13);
            quarterRound(s, 2, 6, 10, 14);
            quarterRound(s, 3, 7, 11, 15);
            quarterRound(s, 0, 5, 10, 15);
            quarterRound(s, 1, 6, 11, 12);
            quarterRound(s, 2, 7, 8, 13);
            quarterRound(s, 3, 4, 9, 14);
        }
        // No feed-forward: the output is state words 0..3 and 12..15.
        ByteBuffer out = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : new int[] {0, 1, 2, 3, 12, 13, 14, 15}) {
            out.putInt(s[i]);
        }
        return out.array();
    }

    private static void quarterRound(int[] s, int a, int b, int c, int d) {
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
    }
}
