package dev.trellis.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HuJsonTest {
    private static PolicyException error(String text) {
        return catchThrowableOfType(PolicyException.class, () -> Policy.parse(text));
    }

    private static PolicyException error(byte[] bytes) {
        return catchThrowableOfType(PolicyException.class, () -> Policy.parse(bytes));
    }

    @Test
    void commentsEverywhereAndTrailingCommas() throws Exception {
        String text = """
                // leading comment
                /* block */ {
                  "groups" /* between key and colon */ : { // after brace
                    "group:eng": ["alice@example.com", /* inside array */ "bob",],
                  },
                  "acls": [
                    {"action": "accept", "src": ["group:eng",], "dst": ["*:22",],}, // trailing
                  ],
                } // after the end
                /* and a block at the end */
                """;
        Policy p = Policy.parse(text);
        assertThat(p.text()).isEqualTo(text);
        assertThat(p.allows(Subject.user("bob"), Subject.user("carol"), 6, 22)).isTrue();
        assertThat(p.allows(Subject.user("carol"), Subject.user("bob"), 6, 22)).isFalse();
    }

    @Test
    void badUtf8IsRefusedWithItsPosition() {
        byte[] bytes = "{\n  \"groups\": {\"group:x\": [\"al\u00e9\"]}}".getBytes(StandardCharsets.UTF_8);
        byte[] broken = new byte[bytes.length - 1];
        // drop the second byte of 'é' (0xC3 0xA9): 0xC3 is then followed by '"'
        int at = indexOf(bytes, (byte) 0xA9);
        System.arraycopy(bytes, 0, broken, 0, at);
        System.arraycopy(bytes, at + 1, broken, at, bytes.length - at - 1);
        PolicyException e = error(broken);
        assertThat(e).hasMessageStartingWith("line 2, column 29: invalid UTF-8 (byte 0xc3 at offset 30)");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(29);
        assertThat(error(new byte[] {'{', (byte) 0xFF, '}'})).hasMessageContaining("invalid UTF-8 (byte 0xff at offset 1)");
    }

    @Test
    void aByteOrderMarkIsAcceptedAndKeptInTheText() throws Exception {
        byte[] text = "\uFEFF{\"acls\": []}".getBytes(StandardCharsets.UTF_8);
        Policy p = Policy.parse(text);
        assertThat(p.text()).startsWith("\uFEFF");
        assertThat(p.allowsAll()).isFalse();
        assertThat(error("{\"acls\": []}\uFEFF")).hasMessageStartingWith("line 1, column 13: invalid HuJSON");
    }

    @Test
    void oversizedInputIsRefusedBeforeParsing() {
        byte[] huge = new byte[HuJson.MAX_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        PolicyException e = error(huge);
        assertThat(e).hasMessageStartingWith("the policy is too large (1048577 bytes); the limit is 1048576 bytes");
        assertThat(e.line()).isZero();
        assertThat(error(" ".repeat(HuJson.MAX_BYTES + 1))).hasMessageContaining("too large");
        // 600,000 two-byte characters: under the limit in chars, over it in bytes
        assertThat(error("{\"groups\": {\"group:x\": [\"" + "é".repeat(600_000) + "\"]}}"))
                .hasMessageContaining("too large");
    }

    @Test
    void deepNestingIsAClearErrorNotAStackOverflow() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        PolicyException e = error(deep);
        assertThat(e).hasMessage("line 1, column 65: nested deeper than 64 levels; a policy needs at most 4");
        String deepObject = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        assertThat(error(deepObject)).hasMessageContaining("nested deeper than 64 levels");
    }

    @Test
    void emptyNullAndNonObjectDocuments() {
        assertThat(error("")).hasMessageStartingWith("line 1, column 1: the policy is empty");
        assertThat(error("  // only a comment\n")).hasMessageContaining("the policy is empty");
        assertThat(error("null")).hasMessage("line 1, column 1: the policy must be an object {…}, not null");
        assertThat(error("\n  [1, 2]")).hasMessage("line 2, column 3: the policy must be an object {…}, not an array");
        assertThat(error("{} {}")).hasMessage("line 1, column 4: unexpected content after the policy's closing '}'");
        assertThat(error("{\"acls\": [}")).hasMessageStartingWith("line 1, column 11: invalid HuJSON: Unexpected close marker");
    }

    @Test
    void unpairedSurrogatesAreRefused() {
        assertThat(error("{\"groups\": {\"group:x\": [\"\uD800\"]}}"))
                .hasMessageContaining("unpaired UTF-16 surrogate");
    }

    @Test
    void duplicateKeysAreRefusedWhereTheSecondStands() {
        PolicyException e = error("{\n \"acls\": [],\n \"acls\": []\n}");
        assertThat(e).hasMessageStartingWith("line 3, column 8: duplicate key 'acls'"); // just after the key
        assertThatThrownBy(() -> Policy.parse("{\"hosts\": {\"a\": \"1.2.3.4\", \"a\": \"1.2.3.5\"}}"))
                .hasMessageContaining("duplicate key 'a'");
    }

    @Test
    void positionsCountCharactersAndAllLineEndings() {
        // CRLF and a lone CR each end one line; the é before the error counts as one column
        PolicyException e = error("{\r\n\"hosts\": {},\r\"groups\": {\"group:a\": [\"é\"], \"group:é\": []}}");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(30);
        assertThat(e).hasMessageContaining("group name \"group:é\"");
        e = error("{\r\n\"groups\": {},\r\"x\": 1}");
        assertThat(e).hasMessageStartingWith("line 3, column 1: unknown key \"x\"");
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        throw new AssertionError();
    }
}
