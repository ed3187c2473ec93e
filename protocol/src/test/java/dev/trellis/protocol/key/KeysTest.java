package dev.trellis.protocol.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void publicKeyMatchesRfc7748AliceVector() {
        // RFC 7748 §6.1: Alice's private key and public key
        NodePrivateKey alice = NodePrivateKey.fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        assertThat(alice.publicKey().toHex()).isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    }

    @Test
    void textFormsRoundTripAndNeverLeakPrivateMaterial() {
        NodePrivateKey k = NodePrivateKey.generate();
        assertThat(NodePrivateKey.fromBase64(k.toBase64())).isEqualTo(k);
        assertThat(k.toString()).doesNotContain(k.toBase64()).doesNotContain(k.toHex());
        NodePublicKey pub = k.publicKey();
        assertThat(NodePublicKey.parse(pub.toString())).isEqualTo(pub);
        assertThat(pub.toString()).startsWith("nodekey:");
        PresharedKey psk = PresharedKey.generate();
        assertThat(psk.toString()).isEqualTo("psk:[redacted]");
        assertThat(PresharedKey.NONE.isZero()).isTrue();
        byte[] raw = HexFormat.of().parseHex(k.toHex());
        assertThat(raw[0] & 7).isZero(); // generated keys are clamped
    }

    @Test
    void malformedKeysAreRefused() {
        assertThatThrownBy(() -> NodePublicKey.fromBase64("short")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodePublicKey.fromHex("zz".repeat(32))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodePublicKey.parse("privkey:00")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodePublicKey.fromBytes(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }
}
