package dev.trellis.engine.crypto;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.HexFormat;

/** The AEAD test vector of RFC 8439 §2.8.2, shared by the engine's cipher tests. */
final class Rfc8439 {
    static final byte[] KEY = HexFormat.of().parseHex(
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    static final byte[] NONCE = HexFormat.of().parseHex("070000004041424344454647");
    static final byte[] AAD = HexFormat.of().parseHex("50515253c0c1c2c3c4c5c6c7");
    static final byte[] SUNSCREEN = ("Ladies and Gentlemen of the class of '99: If I could offer"
            + " you only one tip for the future, sunscreen would be it.").getBytes(US_ASCII);
    static final String CIPHERTEXT = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a7"
            + "36ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d77"
            + "8b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b"
            + "6116";
    static final String TAG = "1ae10b594f09e26a7e902ecbd0600691";

    private Rfc8439() {}
}
