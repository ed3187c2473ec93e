package dev.trellis.protocol.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineKeysTest {

    @Test
    void publicKeyMatchesRfc7748BobVector() {
        // RFC 7748 §6.1: Bob's private and public key
        MachinePrivateKey bob = MachinePrivateKey.parseSecretText(
                "privkey:5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertThat(bob.publicKey()).hasToString(
                "mkey:de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    }

    @Test
    void publicKeyTextFormRoundTrips() {
        MachinePublicKey key = MachinePrivateKey.generate().publicKey();
        assertThat(key.toString()).startsWith("mkey:").hasSize(5 + 64);
        assertThat(MachinePublicKey.parse(key.toString())).isEqualTo(key).hasSameHashCodeAs(key);
        assertThat(MachinePublicKey.fromBytes(key.toBytes())).isEqualTo(key);
        assertThat(key.shortString()).matches("mkey\\([0-9a-f]{4}…[0-9a-f]{4}\\)");
        assertThat(key.toString()).contains(key.shortString().substring(5, 9));
    }

    @Test
    void publicKeysOrderAsUnsignedBytes() {
        byte[] low = new byte[32];
        byte[] high = new byte[32];
        high[0] = (byte) 0x80; // negative as a Java byte: must still sort last
        List<MachinePublicKey> keys = new ArrayList<>(List.of(
                MachinePublicKey.fromBytes(high), MachinePublicKey.fromBytes(low)));
        Collections.sort(keys);
        assertThat(keys).extracting(MachinePublicKey::toBytes).containsExactly(low, high);
    }

    @Test
    void privateKeyNeverPrintsItself() {
        MachinePrivateKey key = MachinePrivateKey.generate();
        String hex = key.toSecretText().substring("privkey:".length());
        assertThat(key.toString()).isEqualTo("privkey:[redacted]").doesNotContain(hex);
        assertThat(MachinePrivateKey.parseSecretText(key.toSecretText())).isEqualTo(key)
                .hasSameHashCodeAs(key);
        assertThat(MachinePrivateKey.fromBytes(key.toBytes())).isEqualTo(key);
        assertThat(key).isNotEqualTo(MachinePrivateKey.generate());
        assertThat(key.toBytes()[0] & 7).isZero(); // generated keys are clamped
    }

    @Test
    void malformedKeysAreRefusedWithoutEchoingThem() {
        String secretish = "privkey:" + "ab".repeat(31) + "zz";
        assertThatThrownBy(() -> MachinePrivateKey.parseSecretText(secretish))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("abab");
        assertThatThrownBy(() -> MachinePrivateKey.parseSecretText("mkey:" + "00".repeat(32)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MachinePublicKey.parse("nodekey:" + "00".repeat(32)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MachinePublicKey.parse("mkey:00"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MachinePublicKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MachinePublicKey.fromBytes(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MachinePrivateKey.fromBytes(new byte[33]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
