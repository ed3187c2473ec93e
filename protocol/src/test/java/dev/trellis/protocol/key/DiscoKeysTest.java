package dev.trellis.protocol.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DiscoKeysTest {

    @Test
    void publicKeyIsX25519OfTheBasePoint() {
        // RFC 7748 §6.1, Bob
        DiscoPrivateKey bob = DiscoPrivateKey.fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertThat(bob.publicKey().toHex()).isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    }

    @Test
    void textFormRoundTripsAndPrivateKeyNeverPrints() {
        DiscoPrivateKey k = DiscoPrivateKey.generate();
        DiscoPublicKey pub = k.publicKey();
        assertThat(pub.toString()).startsWith("discokey:").hasSize(9 + 64);
        assertThat(DiscoPublicKey.parse(pub.toString())).isEqualTo(pub).hasSameHashCodeAs(pub);
        assertThat(DiscoPrivateKey.fromBytes(k.toBytes())).isEqualTo(k).hasSameHashCodeAs(k);
        assertThat(k.toString()).doesNotContain(DiscoPublicKey.fromBytes(k.toBytes()).toHex()).contains("redacted");
        assertThat(k).isNotEqualTo(DiscoPrivateKey.generate());
        assertThat(k.toBytes()[0] & 7).isZero();
        assertThat(pub.shortString()).startsWith("d:").hasSize(18);
    }

    @Test
    void malformedTextIsRefused() {
        assertThatThrownBy(() -> DiscoPublicKey.parse("nodekey:" + "00".repeat(32)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("discokey:");
        assertThatThrownBy(() -> DiscoPublicKey.parse("discokey:00")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiscoPublicKey.parse("discokey:" + "zz".repeat(32)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiscoPrivateKey.fromBytes(new byte[33])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiscoPublicKey.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
