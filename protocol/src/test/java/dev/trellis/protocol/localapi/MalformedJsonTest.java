package dev.trellis.protocol.localapi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input fails with a LocalApiJsonException that names the type; it never hangs or resolves names. */
class MalformedJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "", "null", "[]", "\"Running\"", "{", "{} trailing", "\u0000\u0001garbage",
        "{\"BackendState\":6}",
        "{\"BackendState\":\"running\"}",
        "{\"TailscaleIPs\":[\"100.64.0.300\"]}",
        "{\"TailscaleIPs\":[\"localhost\"]}",
        "{\"TailscaleIPs\":[\"fe80::1%eth0\"]}",
        "{\"TailscaleIPs\":\"100.64.0.1\"}",
        "{\"Peer\":{\"not-a-key\":{}}}",
        "{\"Peer\":{\"nodekey:00\":{}}}",
        "{\"Self\":{\"RxBytes\":1.5}}",
        "{\"Self\":{\"RxBytes\":\"12\"}}",
        "{\"Self\":{\"RxBytes\":123456789012345678901234567890}}",
        "{\"Self\":{\"LastHandshake\":\"yesterday\"}}",
        "{\"Self\":{\"LastHandshake\":1764097200}}",
        "{\"Self\":{\"PublicKey\":\"nodekey:zz\"}}",
        "{\"User\":{\"seven\":{}}}",
        "{\"TUN\":\"yes\"}",
    })
    void malformedStatusFails(String json) {
        assertThatThrownBy(() -> LocalApiJson.decode(json.getBytes(UTF_8), Status.class))
                .isInstanceOf(LocalApiJsonException.class)
                .hasMessageStartingWith("malformed Status");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"State\":7}", "{\"State\":-1}", "{\"State\":\"Running\"}", "{\"State\":6.0}",
        "{\"LoginFinished\":true}", "{\"BrowseToURL\":[]}", "{\"Engine\":{\"RBytes\":\"x\"}}",
    })
    void malformedNotifyFails(String json) {
        assertThatThrownBy(() -> LocalApiJson.decode(json.getBytes(UTF_8), Notify.class))
                .isInstanceOf(LocalApiJsonException.class)
                .hasMessageStartingWith("malformed Notify");
    }

    @org.junit.jupiter.api.Test
    void oversizedInputIsRefusedByBounds() {
        String deep = "{\"Self\":".repeat(LocalApiJson.MAX_DEPTH + 1) + "{}" + "}".repeat(LocalApiJson.MAX_DEPTH + 1);
        assertThatThrownBy(() -> LocalApiJson.decode(deep.getBytes(UTF_8), Status.class))
                .isInstanceOf(LocalApiJsonException.class).hasMessageContaining("depth");
        String longString = "{\"Version\":\"" + "x".repeat(LocalApiJson.MAX_STRING_LENGTH + 1) + "\"}";
        assertThatThrownBy(() -> LocalApiJson.decode(longString.getBytes(UTF_8), Status.class))
                .isInstanceOf(LocalApiJsonException.class).hasMessageContaining("length");
        String longName = "{\"" + "x".repeat(LocalApiJson.MAX_NAME_LENGTH + 1) + "\":1}";
        assertThatThrownBy(() -> LocalApiJson.decode(longName.getBytes(UTF_8), Status.class))
                .isInstanceOf(LocalApiJsonException.class).hasMessageContaining("length");
    }
}
