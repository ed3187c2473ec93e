package dev.trellis.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeCodecTest {
    private static final String PID = "0123456789abcdef";

    private static final List<Change> EVERY_KIND = List.of(
            new Change.NodeChanged(1),
            new Change.NodeRemoved(Long.MAX_VALUE),
            new Change.NodePatched(42),
            new Change.NodeOnline(42, true, null),
            new Change.NodeOnline(42, false, Instant.ofEpochMilli(1_764_064_800_123L)),
            new Change.NodeOnline(43, false, Instant.EPOCH),
            new Change.UserChanged(7),
            new Change.PolicyChanged(),
            new Change.DnsChanged());

    private static String payload(List<Change> changes) {
        StringBuilder s = new StringBuilder(ChangeCodec.header(PID));
        changes.forEach(c -> s.append(' ').append(ChangeCodec.token(c)));
        return s.toString();
    }

    @Test
    void everyKindSurvivesTheRoundTripInOrder() throws Exception {
        String text = payload(EVERY_KIND);
        assertThat(text).startsWith("1 " + PID + " n:1 nr:9223372036854775807 np:42 no:42:1 no:42:0:1764064800123");

        ChangeCodec.Payload p = ChangeCodec.decode(text);

        assertThat(p.processId()).isEqualTo(PID);
        assertThat(p.changes()).containsExactlyElementsOf(EVERY_KIND);
        assertThat(p.resync()).isFalse();
        assertThat(p.unknownKinds()).isZero();
    }

    @Test
    void lastSeenKeepsMilliseconds() {
        Instant fine = Instant.parse("2026-11-25T10:00:00.123456789Z");
        assertThat(new Change.NodeOnline(1, false, fine).lastSeen()).isEqualTo(Instant.parse("2026-11-25T10:00:00.123Z"));
    }

    @Test
    void changesRefuseImpossibleValues() {
        assertThatThrownBy(() -> new Change.NodeChanged(0)).hasMessageContaining("nodeId must be positive");
        assertThatThrownBy(() -> new Change.UserChanged(-1)).hasMessageContaining("userId must be positive");
        assertThatThrownBy(() -> new Change.NodeOnline(1, false, Instant.EPOCH.minusMillis(1)))
                .hasMessageContaining("lastSeen must be between 1970 and 9999");
    }

    @Test
    void resyncMarkerAndUnknownKindsAreReportedNotFatal() throws Exception {
        ChangeCodec.Payload p = ChangeCodec.decode("1 " + PID + " r zz:1:x-y n:5 future n:6");

        assertThat(p.resync()).isTrue();
        assertThat(p.unknownKinds()).isEqualTo(2);
        assertThat(p.changes()).containsExactly(new Change.NodeChanged(5), new Change.NodeChanged(6));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "1",
        "1 " + PID,                      // no changes
        "2 " + PID + " n:1",             // another format
        "1 0123456789ABCDEF n:1",        // upper-case id
        "1 0123456789abcde n:1",         // short id
        "1  " + PID + " n:1",            // two spaces
        "1 " + PID + " n:1 ",            // trailing space
        "1 " + PID + " n:1\n",           // control character
        "1 " + PID + " n:é",             // not ASCII
        "1 " + PID + " n",               // missing id
        "1 " + PID + " n:",              // empty id
        "1 " + PID + " n:0",             // id 0
        "1 " + PID + " n:01",            // leading zero
        "1 " + PID + " n:+1",            // sign
        "1 " + PID + " n:-1",
        "1 " + PID + " n:9223372036854775808", // overflows a long
        "1 " + PID + " n:1:2",           // extra field
        "1 " + PID + " no:1",            // no online flag
        "1 " + PID + " no:1:2",          // flag not 0/1
        "1 " + PID + " no:1:0:",         // empty last seen
        "1 " + PID + " no:1:0:253402300800000", // year 10000
        "1 " + PID + " no:1:0:5:6",
        "1 " + PID + " p:1",             // policy has no fields
        "1 " + PID + " r:1",
        "1 " + PID + " :1",              // no kind
        "1 " + PID + " N:1",             // kinds are lower case
        "1 " + PID + " abcdefghi:1",     // kind too long
    })
    void malformedPayloadsAreRefusedWhole(String payload) {
        assertThatThrownBy(() -> ChangeCodec.decode(payload))
                .isInstanceOf(ChangeCodec.MalformedPayloadException.class)
                .hasMessageNotContaining("\n");
    }

    @Test
    void nullAndOversizedPayloadsAreRefused() {
        assertThatThrownBy(() -> ChangeCodec.decode(null)).isInstanceOf(ChangeCodec.MalformedPayloadException.class);
        String big = "1 " + PID + " n:1" + " p".repeat(4000);
        assertThatThrownBy(() -> ChangeCodec.decode(big))
                .isInstanceOf(ChangeCodec.MalformedPayloadException.class)
                .hasMessageContaining("more than 7999");
    }

    @Test
    void messagesAboutBadInputStayShort() {
        String junk = "x".repeat(5000);
        assertThatThrownBy(() -> ChangeCodec.decode("1 " + PID + " n:" + junk))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void processIdsAreSixteenHexDigitsAndDiffer() {
        String a = ChangeCodec.newProcessId();
        assertThat(a).matches("[0-9a-f]{16}");
        assertThat(ChangeCodec.newProcessId()).isNotEqualTo(a);
        assertThatThrownBy(() -> ChangeCodec.header("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLongestTokenLeavesRoomInAPayload() {
        String longest = ChangeCodec.token(new Change.NodeOnline(Long.MAX_VALUE, false, ChangeCodec.MAX_INSTANT));
        assertThat(ChangeCodec.header(PID).length() + 1 + longest.length()).isLessThan(ChangeCodec.MAX_PAYLOAD_BYTES);
    }
}
