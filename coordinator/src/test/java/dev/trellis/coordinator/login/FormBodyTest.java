package dev.trellis.coordinator.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FormBodyTest {
    @Test
    void decodesWhatBrowsersSend() throws LoginError {
        assertThat(FormBody.parse(bytes("csrf=abc&username=al+ice&password=p%26ss%3D%C3%A4%F0%9F%94%91&empty=")))
                .containsEntry("csrf", "abc").containsEntry("username", "al ice")
                .containsEntry("password", "p&ss=ä\uD83D\uDD11").containsEntry("empty", "").hasSize(4);
        assertThat(FormBody.parse(new byte[0])).isEmpty();
        assertThat(FormBody.parse(bytes("a=1&&b=2&"))).containsOnlyKeys("a", "b");
    }

    @Test
    void refusesWhatIsNotAWellFormedForm() {
        for (String bad : new String[] {"a", "=1", "a=1&a=2", "a=%", "a=%4", "a=%g0", "a=%C3", "%FF=1"}) {
            assertThatThrownBy(() -> FormBody.parse(bytes(bad))).as(bad).isInstanceOf(LoginError.class)
                    .satisfies(e -> assertThat(((LoginError) e).status()).isEqualTo(400));
        }
        assertThatThrownBy(() -> FormBody.parse(bytes("a=1&".repeat(17)))).isInstanceOf(LoginError.class);
    }

    @Test
    void refusesOversizedBodies() {
        assertThatThrownBy(() -> FormBody.parse(new byte[FormBody.MAX_BYTES + 1]))
                .isInstanceOf(LoginError.class).satisfies(e -> assertThat(((LoginError) e).status()).isEqualTo(413));
    }

    @Test
    void errorMessagesDoNotEchoControlCharacters() {
        assertThatThrownBy(() -> FormBody.parse(bytes("x%0Ay=1&x%0Ay=2")))
                .hasMessageContaining("\"x?y\"").hasMessageNotContaining("\n");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
