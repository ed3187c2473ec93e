package dev.trellis.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void generatedKeysParseBackIntoTheirHalves() {
        Secrets.KeyText key = Secrets.generate(Secrets.Kind.PRE_AUTH);

        assertThat(key.text()).matches("trellis-auth-[a-z2-7]{12}-[a-z2-7]{32}");
        assertThat(Secrets.parse(Secrets.Kind.PRE_AUTH, key.text())).isEqualTo(key);
        assertThat(key.toString()).doesNotContain(key.secret()).startsWith("trellis-auth-" + key.prefix());
        assertThat(Secrets.generate(Secrets.Kind.API).text()).matches("trellis-api-[a-z2-7]{12}-[a-z2-7]{32}");
        assertThat(Secrets.generate(Secrets.Kind.API)).isNotEqualTo(Secrets.generate(Secrets.Kind.API));
    }

    @Test
    void malformedKeysAreRejectedWithoutEchoingThem() {
        String api = Secrets.generate(Secrets.Kind.API).text();
        String good = Secrets.generate(Secrets.Kind.PRE_AUTH).text();
        for (String bad : new String[] {null, "", api, good.substring(0, good.length() - 1),
                good.replace('-', '_'), good.toUpperCase(), good + "!", good + "a".repeat(200),
                "trellis-auth-abcdefghijkl" + "a".repeat(33)}) {
            assertThatThrownBy(() -> Secrets.parse(Secrets.Kind.PRE_AUTH, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pre-auth key")
                    .hasMessageNotContaining(good.substring(13));
        }
    }

    @Test
    void hashIsSha256OfTheSecretAndComparesExactly() {
        assertThat(HexFormat.of().formatHex(Secrets.hash("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Secrets.matches(Secrets.hash("abc"), "abc")).isTrue();
        assertThat(Secrets.matches(Secrets.hash("abc"), "abd")).isFalse();
        assertThat(Secrets.matches(Secrets.hash("abc"), null)).isFalse();
        assertThat(Secrets.matches(null, "abc")).isFalse();
    }

    @Test
    void randomTokensUseTheBase32Alphabet() {
        assertThat(Secrets.randomToken(64)).matches("[a-z2-7]{64}");
        assertThatThrownBy(() -> Secrets.randomToken(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
