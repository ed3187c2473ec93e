package dev.trellis.protocol.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

class ChaChaPolyTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 8439 §2.8.2: key 80..9f, nonce 07000000 || 4041424344454647, AAD 50515253c0..c7.
    static final byte[] KEY = HEX.parseHex(
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    static final byte[] RFC_NONCE = HEX.parseHex("070000004041424344454647");
    static final byte[] AAD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
    static final byte[] SUNSCREEN = ("Ladies and Gentlemen of the class of '99: If I could offer"
            + " you only one tip for the future, sunscreen would be it.").getBytes(US_ASCII);
    static final String RFC_CIPHERTEXT = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a7"
            + "36ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d77"
            + "8b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b"
            + "6116";
    static final String RFC_TAG = "1ae10b594f09e26a7e902ecbd0600691";

    /** RFC 8439 §2.8.2 AEAD test vector, through the raw-nonce entry point. */
    @Test
    void rfc8439Section282() throws Exception {
        byte[] sealed = ChaChaPoly.sealWithNonce(KEY, RFC_NONCE, SUNSCREEN, AAD);
        assertThat(HEX.formatHex(sealed)).isEqualTo(RFC_CIPHERTEXT + RFC_TAG);
        assertThat(ChaChaPoly.openWithNonce(KEY, RFC_NONCE, sealed, AAD)).isEqualTo(SUNSCREEN);
    }

    /** WireGuard (whitepaper §5.4.6): nonce = 32 zero bits || 64-bit little-endian counter. */
    @Test
    void wireGuardNonceLayout() {
        assertThat(HEX.formatHex(ChaChaPoly.nonce(0))).isEqualTo("000000000000000000000000");
        assertThat(HEX.formatHex(ChaChaPoly.nonce(1))).isEqualTo("000000000100000000000000");
        assertThat(HEX.formatHex(ChaChaPoly.nonce(0x0102030405060708L)))
                .isEqualTo("000000000807060504030201");
        // The counter is unsigned on the wire: -1 is 2^64 - 1.
        assertThat(HEX.formatHex(ChaChaPoly.nonce(-1))).isEqualTo("00000000ffffffffffffffff");
    }

    /** seal(key, counter, …) is exactly the raw AEAD with the WireGuard nonce. */
    @Test
    void counterApiUsesWireGuardNonce() throws Exception {
        long counter = 0x4746454443424140L;
        byte[] sealed = ChaChaPoly.seal(KEY, counter, SUNSCREEN, AAD);
        byte[] viaRaw = ChaChaPoly.sealWithNonce(
                KEY, HEX.parseHex("000000004041424344454647"), SUNSCREEN, AAD);
        assertThat(sealed).isEqualTo(viaRaw);
        assertThat(ChaChaPoly.open(KEY, counter, sealed, AAD)).isEqualTo(SUNSCREEN);
        // The RFC vector's nonce differs only in its first four bytes, so the output must too.
        assertThat(HEX.formatHex(sealed)).isNotEqualTo(RFC_CIPHERTEXT + RFC_TAG);
    }

    /** WireGuard's handshake seals empty payloads (e.g. the responder's "empty" field). */
    @Test
    void emptyPlaintextAndNullAad() throws Exception {
        byte[] tagOnly = ChaChaPoly.seal(KEY, 0, new byte[0], null);
        assertThat(tagOnly).hasSize(16);
        assertThat(ChaChaPoly.open(KEY, 0, tagOnly, new byte[0])).isEmpty();
    }

    /** Sealing the same thing twice is allowed: each call has its own Cipher. */
    @Test
    void repeatedSealIsDeterministic() {
        assertThat(ChaChaPoly.seal(KEY, 7, SUNSCREEN, AAD))
                .isEqualTo(ChaChaPoly.seal(KEY, 7, SUNSCREEN, AAD));
    }

    @Test
    void tamperingIsDetected() {
        byte[] sealed = ChaChaPoly.seal(KEY, 5, SUNSCREEN, AAD);
        for (int index : new int[] {0, 57, sealed.length - 17, sealed.length - 16, sealed.length - 1}) {
            byte[] bad = sealed.clone();
            bad[index] ^= 1;
            assertThatThrownBy(() -> ChaChaPoly.open(KEY, 5, bad, AAD))
                    .as("flipped byte %d", index)
                    .isInstanceOf(AEADBadTagException.class);
        }
        byte[] badAad = AAD.clone();
        badAad[0] ^= 1;
        assertThatThrownBy(() -> ChaChaPoly.open(KEY, 5, sealed, badAad))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> ChaChaPoly.open(KEY, 6, sealed, AAD))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> ChaChaPoly.open(KEY, 5, sealed, null))
                .isInstanceOf(AEADBadTagException.class);
        byte[] otherKey = KEY.clone();
        otherKey[31] ^= 1;
        assertThatThrownBy(() -> ChaChaPoly.open(otherKey, 5, sealed, AAD))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> ChaChaPoly.open(KEY, 5, Arrays.copyOf(sealed, 15), AAD))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void wrongKeyLengthIsAnArgumentError() {
        assertThatThrownBy(() -> ChaChaPoly.seal(new byte[16], 0, SUNSCREEN, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
