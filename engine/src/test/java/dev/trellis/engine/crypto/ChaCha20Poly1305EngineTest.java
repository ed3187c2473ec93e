package dev.trellis.engine.crypto;

import dev.trellis.protocol.crypto.ChaChaPoly;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** The pure-Java engine against RFC 8439's vectors and against the JDK and BouncyCastle. */
class ChaCha20Poly1305EngineTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int HEADER = 16;

    private final ChaCha20Poly1305Engine engine = new ChaCha20Poly1305Engine();
    private final Random random = new Random(8439);

    private static int[] words(byte[] b) {
        return new AeadKey(b).words();
    }

    private static int[] nonceWords(byte[] nonce) {
        ByteBuffer n = ByteBuffer.wrap(nonce).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new int[] {n.getInt(0), n.getInt(4), n.getInt(8)};
    }

    private static ByteBuffer buffer(boolean direct, int capacity) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    private static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] out = new byte[len];
        b.get(off, out);
        return out;
    }

    /** RFC 8439 §2.4.2: ChaCha20 alone, block counter 1. */
    @Test
    void rfc8439Section242() throws Exception {
        byte[] key = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = HEX.parseHex("000000000000004a00000000");
        byte[] plain = Rfc8439.SUNSCREEN;
        String expected = "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b"
                + "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8"
                + "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736"
                + "5af90bbf74a35be6b40b8eedf2785e42874d";
        int[] n = nonceWords(nonce);
        ByteBuffer out = ByteBuffer.allocate(plain.length);
        engine.chacha20(words(key), 1, n[0], n[1], n[2], ByteBuffer.wrap(plain), 0, out, 0, plain.length);
        assertThat(HEX.formatHex(out.array())).isEqualTo(expected);

        Cipher jdk = Cipher.getInstance("ChaCha20");
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new ChaCha20ParameterSpec(nonce, 1));
        assertThat(HEX.formatHex(jdk.doFinal(plain))).isEqualTo(expected);
    }

    /** RFC 8439 §2.5.2: Poly1305 alone, with a short final block. */
    @Test
    void rfc8439Section252() {
        ByteBuffer key = ByteBuffer.wrap(HEX.parseHex(
                "85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"));
        byte[] msg = "Cryptographic Forum Research Group".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer tag = ByteBuffer.allocate(16);
        engine.poly1305(key, ByteBuffer.wrap(msg), msg.length, tag);
        assertThat(HEX.formatHex(tag.array())).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    /** Bare Poly1305 against BouncyCastle, including keys and messages of all-ones bytes. */
    @Test
    void poly1305MatchesBouncyCastle() {
        for (int trial = 0; trial < 2_000; trial++) {
            byte[] key = new byte[32];
            byte[] msg = new byte[random.nextInt(300)];
            int fill = trial % 4;
            if (fill == 0) {
                java.util.Arrays.fill(key, (byte) 0xff);
                java.util.Arrays.fill(msg, (byte) 0xff);
            } else {
                random.nextBytes(key);
                random.nextBytes(msg);
                if (fill == 1) {
                    java.util.Arrays.fill(msg, (byte) 0xff);
                }
            }
            ByteBuffer tag = ByteBuffer.allocate(16);
            engine.poly1305(ByteBuffer.wrap(key), ByteBuffer.wrap(msg), msg.length, tag);
            Poly1305 bc = new Poly1305();
            bc.init(new KeyParameter(key));
            bc.update(msg, 0, msg.length);
            byte[] expected = new byte[16];
            bc.doFinal(expected, 0);
            assertThat(tag.array()).as("trial %d, %d bytes", trial, msg.length).isEqualTo(expected);
        }
    }

    /** RFC 8439 §2.8.2 (seal) and Appendix A.5 (open), both with AAD and arbitrary nonces. */
    @Test
    void rfc8439Section282AndAppendixA5() {
        byte[] plain = Rfc8439.SUNSCREEN;
        byte[] aad = Rfc8439.AAD;
        int[] n = nonceWords(Rfc8439.NONCE);
        ByteBuffer out = ByteBuffer.allocate(plain.length + 16);
        engine.seal(words(Rfc8439.KEY), n[0], n[1], n[2], ByteBuffer.wrap(aad), 0, aad.length,
                ByteBuffer.wrap(plain), 0, plain.length, out, 0);
        assertThat(HEX.formatHex(out.array()))
                .isEqualTo(Rfc8439.CIPHERTEXT + Rfc8439.TAG);

        byte[] key = HEX.parseHex("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
        int[] n5 = nonceWords(HEX.parseHex("000000000102030405060708"));
        byte[] aad5 = HEX.parseHex("f33388860000000000004e91");
        byte[] sealed = HEX.parseHex(A5_CIPHERTEXT + "eead9d67890cbb22392336fea1851f38");
        int len = sealed.length - 16;
        ByteBuffer opened = ByteBuffer.allocate(len);
        assertThat(engine.open(words(key), n5[0], n5[1], n5[2], ByteBuffer.wrap(aad5), 0, aad5.length,
                ByteBuffer.wrap(sealed), 0, len, opened, 0)).isTrue();
        assertThat(HEX.formatHex(opened.array())).isEqualTo(A5_PLAINTEXT);
    }

    /**
     * The data path's exact use: WireGuard nonce, no AAD, in place behind a 16-byte header, heap
     * and direct, both directions against the JDK, lengths around every block boundary.
     */
    @Test
    void crossChecksJdkInPlaceBothDirections() throws Exception {
        for (int trial = 0; trial < 600; trial++) {
            boolean direct = (trial & 1) == 1;
            int len = trial < 200 ? trial : random.nextInt(9_001);
            byte[] keyBytes = new byte[32];
            random.nextBytes(keyBytes);
            long counter = trial % 3 == 0 ? -1L - random.nextInt(3) : random.nextLong();
            byte[] plain = new byte[len];
            random.nextBytes(plain);
            byte[] jdkSealed = ChaChaPoly.seal(keyBytes, counter, plain, null);
            int[] key = words(keyBytes);

            ByteBuffer packet = buffer(direct, HEADER + len + 16);
            packet.put(HEADER, plain);
            engine.seal(key, counter, packet, HEADER, len, packet, HEADER);
            byte[] ours = bytes(packet, HEADER, len + 16);
            assertThat(ours).as("seal, %d bytes, direct=%s", len, direct).isEqualTo(jdkSealed);
            assertThat(ChaChaPoly.open(keyBytes, counter, ours, null)).isEqualTo(plain);

            ByteBuffer wire = buffer(direct, HEADER + len + 16);
            wire.put(HEADER, jdkSealed);
            assertThat(engine.open(key, counter, wire, HEADER, len, wire, HEADER)).isTrue();
            assertThat(bytes(wire, HEADER, len)).as("open, %d bytes", len).isEqualTo(plain);
        }
    }

    /** AAD of every length up to a few blocks, separate buffers, against the JDK. */
    @Test
    void crossChecksJdkWithAad() throws Exception {
        for (int trial = 0; trial < 300; trial++) {
            byte[] keyBytes = new byte[32];
            random.nextBytes(keyBytes);
            byte[] aad = new byte[trial % 70];
            random.nextBytes(aad);
            byte[] plain = new byte[random.nextInt(300)];
            random.nextBytes(plain);
            long counter = random.nextLong();
            byte[] expected = ChaChaPoly.seal(keyBytes, counter, plain, aad);
            ByteBuffer out = buffer(trial % 2 == 0, plain.length + 16);
            engine.seal(words(keyBytes), 0, (int) counter, (int) (counter >>> 32),
                    ByteBuffer.wrap(aad), 0, aad.length, ByteBuffer.wrap(plain), 0, plain.length, out, 0);
            assertThat(bytes(out, 0, plain.length + 16)).isEqualTo(expected);
            ByteBuffer back = ByteBuffer.allocate(plain.length);
            assertThat(engine.open(words(keyBytes), 0, (int) counter, (int) (counter >>> 32),
                    ByteBuffer.wrap(aad), 0, aad.length, out, 0, plain.length, back, 0)).isTrue();
            assertThat(back.array()).isEqualTo(plain);
        }
    }

    /** Every tag bit and a sample of ciphertext bits; a rejected packet is left untouched. */
    @Test
    void tamperingIsDetectedAndNothingIsWritten() {
        int[] key = words(Rfc8439.KEY);
        for (boolean direct : new boolean[] {false, true}) {
            int len = 1420;
            byte[] sealed = ChaChaPoly.seal(Rfc8439.KEY, 5, new byte[len], null);
            ByteBuffer packet = buffer(direct, HEADER + sealed.length);
            for (int bit = 0; bit < sealed.length * 8; bit += bit >= len * 8 ? 1 : 97) {
                packet.put(HEADER, sealed);
                int at = HEADER + bit / 8;
                packet.put(at, (byte) (packet.get(at) ^ (1 << (bit % 8))));
                byte[] before = bytes(packet, 0, packet.capacity());
                assertThat(engine.open(key, 5, packet, HEADER, len, packet, HEADER))
                        .as("bit %d", bit).isFalse();
                assertThat(bytes(packet, 0, packet.capacity())).isEqualTo(before);
            }
            packet.put(HEADER, sealed);
            assertThat(engine.open(key, 6, packet, HEADER, len, packet, HEADER)).isFalse();
            assertThat(engine.open(key, 5, packet, HEADER, len, packet, HEADER)).isTrue();
        }
    }

    /** Steady state: 10,000 seals and opens of 1420-byte packets allocate nothing. */
    @Test
    void steadyStateAllocatesNothing() throws Exception {
        assertThat(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemoryEnabled()).as("this JVM counts allocated bytes per thread").isTrue();
        AeadKey key = new AeadKey(Rfc8439.KEY);
        TransportAead aead = new TransportAead(TransportAead.Implementation.PURE_JAVA);
        int len = 1420;
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer packet = buffer(direct, HEADER + len + 16);
            ByteBuffer in = packet.duplicate();
            ByteBuffer out = packet.duplicate();
            long counter = 0;
            for (int i = 0; i < 20_000; i++) {
                roundTrip(aead, key, counter++, in, out, len);
            }
            int rounds = 10_000;
            long before = TransportAeadTest.allocatedBytes();
            for (int i = 0; i < rounds; i++) {
                roundTrip(aead, key, counter++, in, out, len);
            }
            double perPacket = (TransportAeadTest.allocatedBytes() - before) / (2.0 * rounds);
            assertThat(perPacket).as("bytes per packet, direct=%s", direct).isLessThan(1.0);
        }
    }

    private static void roundTrip(TransportAead aead, AeadKey key, long counter,
            ByteBuffer in, ByteBuffer out, int len) throws Exception {
        in.limit(HEADER + len).position(HEADER);
        out.clear().position(HEADER);
        aead.seal(key, counter, in, out);
        in.limit(HEADER + len + 16).position(HEADER);
        out.clear().position(HEADER);
        aead.open(key, counter, in, out);
    }

    @Test
    void transportAeadRejectsForgeryWithoutMovingPositions() throws Exception {
        TransportAead aead = new TransportAead(TransportAead.Implementation.PURE_JAVA);
        ByteBuffer packet = ByteBuffer.allocateDirect(HEADER + 116);
        ByteBuffer in = packet.duplicate().position(HEADER);
        ByteBuffer out = packet.duplicate().position(HEADER);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> aead.open(new AeadKey(Rfc8439.KEY), 1, in, out))
                .isInstanceOf(AEADBadTagException.class);
        assertThat(in.position()).isEqualTo(HEADER);
        assertThat(out.position()).isEqualTo(HEADER);
    }

    @Test
    void defaultIsJdkUnlessJavaIsAsked() {
        assertThat(TransportAead.Implementation.fromSetting(null))
                .isEqualTo(TransportAead.Implementation.JDK);
        assertThat(TransportAead.Implementation.fromSetting("jdk"))
                .isEqualTo(TransportAead.Implementation.JDK);
        assertThat(TransportAead.Implementation.fromSetting(" Java "))
                .isEqualTo(TransportAead.Implementation.PURE_JAVA);
    }

    private static final String A5_CIPHERTEXT =
            "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
            + "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
            + "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
            + "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
            + "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
            + "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
            + "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
            + "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
            + "a6ad5cb4022b02709b";
    private static final String A5_PLAINTEXT =
            "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
            + "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
            + "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
            + "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
            + "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
            + "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
            + "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
            + "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
            + "726573732e2fe2809d";
}
