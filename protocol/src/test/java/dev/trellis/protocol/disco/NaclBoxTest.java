package dev.trellis.protocol.disco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.DiscoPublicKey;
import java.security.InvalidKeyException;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/**
 * The vectors are NaCl's own ({@code tests/box.c} and {@code box.out} in the NaCl 20110221
 * distribution, repeated in libsodium's {@code test/default/box.c} and {@code secretbox.c}):
 * Alice's and Bob's keys are RFC 7748's, and {@code 1b2755…} is {@code crypto_box_beforenm} of
 * the pair, the key of the secretbox vector.
 */
class NaclBoxTest {
    private static final HexFormat HEX = HexFormat.of();
    static final DiscoPrivateKey ALICE =
            DiscoPrivateKey.fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    static final DiscoPrivateKey BOB =
            DiscoPrivateKey.fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static final byte[] NONCE = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    private static final byte[] BEFORENM = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    private static final byte[] MESSAGE = HEX.parseHex(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
            + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
            + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
            + "5e0705");
    /** Tag (16 bytes) then ciphertext (131 bytes): box.out without NaCl's 16 leading zero bytes. */
    private static final byte[] BOX = HEX.parseHex(
            "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
            + "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972"
            + "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae"
            + "90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
            + "7973f622a43d14a6599b1f654cb45a74e355a5");

    @Test
    void hsalsa20OfTheSharedSecretIsNaclsBeforenm() {
        // core3/beforenm: X25519(alice, bob) from RFC 7748 §6.1, then HSalsa20 with a zero input.
        byte[] dh = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assertThat(HEX.formatHex(NaclBox.hsalsa20(dh, new byte[16]))).isEqualTo(HEX.formatHex(BEFORENM));
    }

    @Test
    void sealMatchesNaclBoxVectorFromEitherSide() throws Exception {
        assertThat(NaclBox.seal(MESSAGE, NONCE, BOB.publicKey(), ALICE)).isEqualTo(BOX);
        assertThat(NaclBox.open(BOX, NONCE, ALICE.publicKey(), BOB)).isEqualTo(MESSAGE);
        assertThat(NaclBox.SharedKey.ofBytes(BEFORENM).seal(MESSAGE, NONCE)).isEqualTo(BOX);
    }

    @Test
    void roundTripsAtEveryLengthAroundTheBlockSize() throws Exception {
        NaclBox.SharedKey ab = NaclBox.SharedKey.derive(BOB.publicKey(), ALICE);
        NaclBox.SharedKey ba = NaclBox.SharedKey.derive(ALICE.publicKey(), BOB);
        for (int n = 0; n < 200; n++) {
            byte[] m = new byte[n];
            for (int i = 0; i < n; i++) {
                m[i] = (byte) (i * 7 + n);
            }
            byte[] box = ab.seal(m, NONCE);
            assertThat(box).hasSize(n + NaclBox.OVERHEAD);
            assertThat(ba.open(box, 0, box.length, NONCE)).isEqualTo(m);
        }
    }

    @Test
    void anyFlippedBitOrWrongKeyOrNonceIsRefused() throws Exception {
        NaclBox.SharedKey key = NaclBox.SharedKey.ofBytes(BEFORENM);
        for (int i = 0; i < BOX.length; i++) {
            byte[] bad = BOX.clone();
            bad[i] ^= 0x20;
            assertThatThrownBy(() -> key.open(bad, 0, bad.length, NONCE)).isInstanceOf(AEADBadTagException.class);
        }
        byte[] otherNonce = NONCE.clone();
        otherNonce[23] ^= 1;
        assertThatThrownBy(() -> key.open(BOX, 0, BOX.length, otherNonce)).isInstanceOf(AEADBadTagException.class);
        DiscoPrivateKey mallory = DiscoPrivateKey.generate();
        assertThatThrownBy(() -> NaclBox.open(BOX, NONCE, mallory.publicKey(), BOB))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> key.open(new byte[15], 0, 15, NONCE))
                .isInstanceOf(AEADBadTagException.class).hasMessageContaining("shorter than its tag");
        assertThatThrownBy(() -> key.seal(MESSAGE, new byte[12])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lowOrderPeerKeyIsRefusedAndSharedKeyNeverPrints() {
        DiscoPublicKey zero = DiscoPublicKey.fromBytes(new byte[32]);
        assertThatThrownBy(() -> NaclBox.SharedKey.derive(zero, ALICE)).isInstanceOf(InvalidKeyException.class);
        assertThat(NaclBox.SharedKey.ofBytes(BEFORENM).toString()).doesNotContain("1b27").contains("redacted");
    }
}
