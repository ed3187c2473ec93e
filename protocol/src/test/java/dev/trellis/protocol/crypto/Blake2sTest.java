package dev.trellis.protocol.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.junit.jupiter.api.Test;

class Blake2sTest {

    private static final HexFormat HEX = HexFormat.of();
    /** The key of the official blake2s-kat.txt (BLAKE2 reference repository, testvectors/). */
    private static final byte[] KAT_KEY = HEX.parseHex(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    /** RFC 7693 Appendix B: BLAKE2s-256("abc"). */
    @Test
    void rfc7693AppendixB() {
        assertThat(HEX.formatHex(Blake2s.hash("abc".getBytes(US_ASCII)))).isEqualTo(
                "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
    }

    /** BLAKE2s-256 of the empty string (blake2s.net / reference implementation). */
    @Test
    void emptyHash() {
        assertThat(HEX.formatHex(Blake2s.hash())).isEqualTo(
                "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
    }

    @Test
    void hashOfPartsIsHashOfConcatenation() {
        byte[] whole = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(US_ASCII);
        assertThat(Blake2s.hash(Arrays.copyOf(whole, 5), Arrays.copyOfRange(whole, 5, whole.length),
                new byte[0])).isEqualTo(Blake2s.hash(whole));
    }

    /** blake2s-kat.txt, key 00..1f, messages 00 01 .. (n-1) for n = 0, 1, 2, 255. */
    @Test
    void keyedReferenceVectors() {
        assertThat(HEX.formatHex(Blake2s.mac(KAT_KEY, 32, kat(0)))).isEqualTo(
                "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49");
        assertThat(HEX.formatHex(Blake2s.mac(KAT_KEY, 32, kat(1)))).isEqualTo(
                "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1");
        assertThat(HEX.formatHex(Blake2s.mac(KAT_KEY, 32, kat(2)))).isEqualTo(
                "6bb71300644cd3991b26ccd4d274acd1adeab8b1d7914546c1198bbe9fc9d803");
        assertThat(HEX.formatHex(Blake2s.mac(KAT_KEY, 32, kat(255)))).isEqualTo(
                "3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd");
    }

    /**
     * MAC1/MAC2/cookie use a 16-byte keyed BLAKE2s. The digest length is in the parameter block,
     * so it is not the 32-byte MAC truncated. Expected value from CPython's hashlib
     * (blake2s(b"abc", key=00..1f, digest_size=16)), an independent implementation.
     */
    @Test
    void sixteenByteMacIsNotATruncation() {
        byte[] abc = "abc".getBytes(US_ASCII);
        byte[] mac16 = Blake2s.mac(KAT_KEY, 16, abc);
        assertThat(HEX.formatHex(mac16)).isEqualTo("61ba5f165c194692e09d12520cc4c74a");
        assertThat(mac16).isNotEqualTo(Arrays.copyOf(Blake2s.mac(KAT_KEY, 32, abc), 16));
        // An empty key means unkeyed (RFC 7693 §2.5: kk = 0), i.e. plain BLAKE2s.
        assertThat(Blake2s.mac(new byte[0], 32, abc)).isEqualTo(Blake2s.hash(abc));
    }

    @Test
    void macRejectsBadParameters() {
        assertThatThrownBy(() -> Blake2s.mac(new byte[33], 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Blake2s.mac(KAT_KEY, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Blake2s.mac(KAT_KEY, 33)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * HMAC-BLAKE2s fixed vectors, from CPython's hmac.new(key, msg, hashlib.blake2s) (block size
     * 64), and equal to the by-hand RFC 2104 construction below.
     */
    @Test
    void hmacFixedVectors() {
        byte[] abc = "abc".getBytes(US_ASCII);
        String expected = "82623be5bc0a391b24dce53e67d028eff92d586de0485ac37822e597d049c74f";
        assertThat(HEX.formatHex(Blake2s.hmac(KAT_KEY, abc))).isEqualTo(expected);
        assertThat(HEX.formatHex(referenceHmac(KAT_KEY, abc))).isEqualTo(expected);
        assertThat(HEX.formatHex(Blake2s.hmac(new byte[0]))).isEqualTo(
                "eaf4bb25938f4d20e72656bbbc7a9bf63c0c18537333c35bdb67db1402661acd");
    }

    /** Key lengths around WireGuard's (always 32) and around the 64-byte block boundary. */
    @Test
    void hmacMatchesReferenceConstruction() {
        Random random = new Random(7693);
        for (int keyLen : new int[] {0, 1, 16, 32, 63, 64, 65, 100}) {
            for (int msgLen : new int[] {0, 1, 32, 64, 65, 148}) {
                byte[] key = new byte[keyLen];
                byte[] msg = new byte[msgLen];
                random.nextBytes(key);
                random.nextBytes(msg);
                assertThat(Blake2s.hmac(key, Arrays.copyOf(msg, msgLen / 2),
                                Arrays.copyOfRange(msg, msgLen / 2, msgLen)))
                        .as("key %d, message %d", keyLen, msgLen)
                        .isEqualTo(referenceHmac(key, msg));
            }
        }
        // Keyed BLAKE2s is a different function; mixing the two up is a classic Noise bug.
        assertThat(Blake2s.hmac(KAT_KEY, kat(3))).isNotEqualTo(Blake2s.mac(KAT_KEY, 32, kat(3)));
    }

    /** KDF vectors from a CPython transcription of the WireGuard whitepaper's definition. */
    @Test
    void kdfVectors() {
        byte[] chainingKey = Blake2s.hash("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(US_ASCII));
        byte[][] three = Blake2s.kdf(3, chainingKey, KAT_KEY);
        assertThat(HEX.formatHex(three[0]))
                .isEqualTo("6ff66e10ab4a55ac8144a867fcd9f8ee64d4bd6239223338cb3437cf085ab031");
        assertThat(HEX.formatHex(three[1]))
                .isEqualTo("203b22d63d63e35cebb9e40210cf8c1d7f90879428a4c766cda9ef34bb299398");
        assertThat(HEX.formatHex(three[2]))
                .isEqualTo("35a7b2fc3e4f59db341dbe588e3b75897980c463d5bbb855f8ed8134ff40133a");
        byte[][] two = Blake2s.kdf(2, chainingKey, new byte[0]);
        assertThat(HEX.formatHex(two[0]))
                .isEqualTo("bd968725a9177942a8c2e4253d1dde31cf7b19ec001b4a3a3d141cd9d998d3ba");
        assertThat(HEX.formatHex(two[1]))
                .isEqualTo("aab5462b323780fa615bf80ffe469510239ff361575a663968e686a7ae41d693");
    }

    /** The definition, spelled out with the reference HMAC; shorter KDFs are prefixes. */
    @Test
    void kdfMatchesDefinition() {
        byte[] ck = kat(32);
        byte[] input = kat(77);
        byte[] t0 = referenceHmac(ck, input);
        byte[] t1 = referenceHmac(t0, new byte[] {1});
        byte[] t2 = referenceHmac(t0, concat(t1, new byte[] {2}));
        byte[] t3 = referenceHmac(t0, concat(t2, new byte[] {3}));
        assertThat(Blake2s.kdf(3, ck, input)).isDeepEqualTo(new byte[][] {t1, t2, t3});
        assertThat(Blake2s.kdf(2, ck, input)).isDeepEqualTo(new byte[][] {t1, t2});
        assertThat(Blake2s.kdf(1, ck, input)).isDeepEqualTo(new byte[][] {t1});
        assertThatThrownBy(() -> Blake2s.kdf(4, ck, input)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Blake2s.kdf(0, ck, input)).isInstanceOf(IllegalArgumentException.class);
    }

    /** RFC 2104 by hand: H((K ^ opad) || H((K ^ ipad) || m)), K padded to BLAKE2s's 64-byte block. */
    static byte[] referenceHmac(byte[] key, byte[] message) {
        byte[] k = key.length > 64 ? digest(key) : key;
        byte[] ipad = new byte[64];
        byte[] opad = new byte[64];
        for (int i = 0; i < 64; i++) {
            byte b = i < k.length ? k[i] : 0;
            ipad[i] = (byte) (b ^ 0x36);
            opad[i] = (byte) (b ^ 0x5c);
        }
        return digest(opad, digest(ipad, message));
    }

    private static byte[] digest(byte[]... parts) {
        Blake2sDigest d = new Blake2sDigest(256);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] kat(int n) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) {
            m[i] = (byte) i;
        }
        return m;
    }
}
