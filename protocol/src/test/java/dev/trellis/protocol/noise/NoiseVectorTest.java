package dev.trellis.protocol.noise;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.crypto.Blake2s;
import dev.trellis.protocol.crypto.X25519;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/** The handshake checked against a published vector and the KDF against an independent HKDF. */
class NoiseVectorTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * The Noise_IK_25519_ChaChaPoly_BLAKE2s vector of Cacophony (the Haskell reference
     * implementation; vectors/cacophony.txt, also shipped by snow and noise-c): prologue "John
     * Galt", fixed static and ephemeral keys, two handshake messages and four transport messages.
     */
    @Test
    void cacophonyIkVector() throws Exception {
        byte[] prologue = HEX.parseHex("4a6f686e2047616c74");
        byte[] initStatic = HEX.parseHex("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
        byte[] initEphemeral = HEX.parseHex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
        byte[] respStatic = HEX.parseHex("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893");
        byte[] respEphemeral = HEX.parseHex("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");
        byte[] respStaticPublic = HEX.parseHex("31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62");
        String[][] messages = {
            {"4c756477696720766f6e204d69736573",
             "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79440b03ddc7aac5123d06a1b23b"
                     + "71670e32e76c28239a7ca4ac8f784de7e44c1adbfc6e83fef7352a58d9d56157400c0a737b1d171ce"
                     + "368229c7b752ac25b8faf4eca690f6d896f543be02c996ab2b86b76"},
            {"4d757272617920526f746862617264",
             "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843d9b5a8927f0ac9655ef76833"
                     + "bc7e5561f42e691ac8404efd6fbd6308b6a27c"},
            {"462e20412e20486179656b", "2c256ed08fcd08c2980f954ee4beaccb61c9581340f5dd2fd1cf3b"},
            {"4361726c204d656e676572", "d6033f70eee20945c7c9dba304e397ee3b284ff5e00fd9efb095d3"},
            {"4a65616e2d426170746973746520536179",
             "a9c068ca5d8babf72560652d8e851adbfac35c8a66e810d560863173e96adf4cfe"},
            {"457567656e2042f6686d20766f6e2042617765726b",
             "2a09d8f459e5927e40fdd2eddc99bdafb04e13a26f145cb5cfe9e6ba34c94331ebc17d5156"},
        };
        assertThat(X25519.publicKey(respStatic)).isEqualTo(respStaticPublic);

        IkHandshake.Initiator initiator =
                new IkHandshake.Initiator(initStatic, respStaticPublic, prologue, initEphemeral);
        IkHandshake.Responder responder = new IkHandshake.Responder(respStatic, prologue);

        byte[] first = initiator.writeFirst(HEX.parseHex(messages[0][0]));
        assertThat(HEX.formatHex(first)).isEqualTo(messages[0][1]);
        assertThat(HEX.formatHex(responder.readFirst(first))).isEqualTo(messages[0][0]);
        assertThat(responder.initiatorStatic()).isEqualTo(X25519.publicKey(initStatic));

        byte[] second = responder.writeSecond(HEX.parseHex(messages[1][0]), respEphemeral);
        assertThat(HEX.formatHex(second)).isEqualTo(messages[1][1]);
        assertThat(HEX.formatHex(initiator.readSecond(second))).isEqualTo(messages[1][0]);

        IkHandshake.Session initiatorSession = initiator.split();
        IkHandshake.Session responderSession = responder.split();
        String handshakeHash = "48f3cb8bc9319da4ba1e9933991b1c4ed4034f1f126a76d3a1fbcfd7f94248d4";
        assertThat(HEX.formatHex(initiatorSession.handshakeHash())).isEqualTo(handshakeHash);
        assertThat(HEX.formatHex(responderSession.handshakeHash())).isEqualTo(handshakeHash);

        // After the handshake the initiator sends first; the vector alternates directions.
        long limit = NoiseOptions.DEFAULT_RECORD_LIMIT;
        TransportCipher initiatorSend = new TransportCipher(initiatorSession.initiatorToResponder(), limit);
        TransportCipher responderReceive = new TransportCipher(responderSession.initiatorToResponder(), limit);
        TransportCipher responderSend = new TransportCipher(responderSession.responderToInitiator(), limit);
        TransportCipher initiatorReceive = new TransportCipher(initiatorSession.responderToInitiator(), limit);
        for (int i = 2; i < messages.length; i++) {
            boolean fromInitiator = i % 2 == 0;
            TransportCipher send = fromInitiator ? initiatorSend : responderSend;
            TransportCipher receive = fromInitiator ? responderReceive : initiatorReceive;
            byte[] ciphertext = send.seal(HEX.parseHex(messages[i][0]));
            assertThat(HEX.formatHex(ciphertext)).as("transport message %d", i).isEqualTo(messages[i][1]);
            assertThat(HEX.formatHex(receive.open(ciphertext))).isEqualTo(messages[i][0]);
        }
    }

    /**
     * The Noise HKDF with empty info is RFC 5869 HKDF with the chaining key as salt: checked
     * against BouncyCastle's HKDFBytesGenerator over HMAC-BLAKE2s, which shares no code with ours.
     */
    @Test
    void kdfIsRfc5869HkdfOverHmacBlake2s() {
        Random random = new Random(5869);
        for (int inputLength : new int[] {0, 1, 32, 33, 64, 65, 200}) {
            byte[] chainingKey = new byte[32];
            byte[] input = new byte[inputLength];
            random.nextBytes(chainingKey);
            random.nextBytes(input);
            HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new Blake2sDigest(256));
            hkdf.init(new HKDFParameters(input, chainingKey, new byte[0]));
            byte[] expected = new byte[96];
            hkdf.generateBytes(expected, 0, expected.length);

            byte[][] three = Blake2s.kdf(3, chainingKey, input);
            for (int i = 0; i < 3; i++) {
                assertThat(three[i]).isEqualTo(Arrays.copyOfRange(expected, 32 * i, 32 * i + 32));
            }
        }
    }

    /** Noise §5.2 InitializeSymmetric: names up to HASHLEN are padded, longer ones hashed. */
    @Test
    void protocolNameIsHashedBecauseItIsLongerThanHashLen() {
        byte[] name = IkHandshake.PROTOCOL_NAME.getBytes(US_ASCII);
        assertThat(name).hasSize(33);
        assertThat(new SymmetricState(IkHandshake.PROTOCOL_NAME).handshakeHash()).isEqualTo(Blake2s.hash(name));
        String shortName = "Noise_NN_25519_AESGCM_SHA256";
        assertThat(new SymmetricState(shortName).handshakeHash())
                .isEqualTo(Arrays.copyOf(shortName.getBytes(US_ASCII), 32));
    }

    /** The bytes package-info documents for version 1, and the version's place in them. */
    @Test
    void prologueBindsTheVersionAsTwoBytesBigEndian() {
        assertThat(HEX.formatHex(Wire.prologue(1))).isEqualTo(
                "5472656c6c697320436f6e74726f6c2050726f746f636f6c20760001");
        assertThat(HEX.formatHex(Wire.prologue(0x1234))).endsWith("761234");
    }
}
