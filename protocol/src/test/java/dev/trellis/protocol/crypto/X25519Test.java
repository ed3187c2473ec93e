package dev.trellis.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.InvalidKeyException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class X25519Test {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    /** RFC 7748 §5.2, first single-iteration vector. */
    @Test
    void rfc7748Section52Vector1() throws Exception {
        byte[] out = X25519.dh(
                hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
        assertThat(HEX.formatHex(out))
                .isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
    }

    /** RFC 7748 §5.2, second vector: its u has the top bit set, which must be masked. */
    @Test
    void rfc7748Section52Vector2MasksTopBit() throws Exception {
        byte[] out = X25519.dh(
                hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));
        assertThat(HEX.formatHex(out))
                .isEqualTo("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    /** RFC 7748 §5.2 iterated: k = u = 9; (k, u) = (X25519(k, u), k); after 1 and 1000 rounds. */
    @Test
    void rfc7748Section52Iterated() throws Exception {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] next = X25519.dh(k, u);
            u = k;
            k = next;
            if (i == 1) {
                assertThat(HEX.formatHex(k)).isEqualTo(
                        "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
            }
        }
        assertThat(HEX.formatHex(k))
                .isEqualTo("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    }

    /** RFC 7748 §6.1 Diffie-Hellman between Alice and Bob. */
    @Test
    void rfc7748Section61AliceAndBob() throws Exception {
        byte[] alicePriv = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPriv = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePub = X25519.publicKey(alicePriv);
        byte[] bobPub = X25519.publicKey(bobPriv);
        assertThat(HEX.formatHex(alicePub))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(bobPub))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertThat(HEX.formatHex(X25519.dh(alicePriv, bobPub))).isEqualTo(shared);
        assertThat(HEX.formatHex(X25519.dh(bobPriv, alicePub))).isEqualTo(shared);
    }

    /** Low-order points (u = 0, u = 1, and the order-8 point from RFC 7748's curve) give zero. */
    @Test
    void lowOrderPublicKeysAreRejected() {
        byte[] priv = X25519.generatePrivateKey();
        byte[] zero = new byte[32];
        byte[] one = new byte[32];
        one[0] = 1;
        // An order-8 point listed in libsodium's and wireguard's low-order blacklists.
        byte[] order8 = hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
        // p itself (non-canonical encoding of 0) and p + 1 (of 1), which RFC 7748 says to accept
        // and reduce, so they must be caught by the zero check rather than by parsing.
        byte[] p = hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        byte[] pPlus1 = hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        for (byte[] bad : new byte[][] {zero, one, order8, p, pPlus1}) {
            assertThatThrownBy(() -> X25519.dh(priv, bad))
                    .as(HEX.formatHex(bad))
                    .isInstanceOf(InvalidKeyException.class);
        }
    }

    @Test
    void generatedKeysAreClampedAndAgree() throws Exception {
        byte[] a = X25519.generatePrivateKey();
        byte[] b = X25519.generatePrivateKey();
        assertThat(a[0] & 7).isZero();
        assertThat(a[31] & 0x80).isZero();
        assertThat(a[31] & 0x40).isEqualTo(0x40);
        assertThat(a).isNotEqualTo(b);
        assertThat(X25519.dh(a, X25519.publicKey(b))).isEqualTo(X25519.dh(b, X25519.publicKey(a)));
    }

    @Test
    void inputsAreNotModified() throws Exception {
        byte[] priv = hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] pub = hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
        byte[] privCopy = priv.clone();
        byte[] pubCopy = pub.clone();
        X25519.dh(priv, pub);
        assertThat(priv).isEqualTo(privCopy);
        assertThat(pub).isEqualTo(pubCopy);
    }

    @Test
    void wrongLengthsAreRejected() {
        assertThatThrownBy(() -> X25519.dh(new byte[31], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X25519.publicKey(new byte[33]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
