package dev.trellis.engine.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Layout per wireguard-go tai64n/tai64n.go: base 0x400000000000000a, nanos &^ 0xffffff. */
class Tai64nTest {

    private static final HexFormat HEX = HexFormat.of();

    private static byte[] at(long seconds, int nanos) {
        return Tai64n.now(Clock.fixed(Instant.ofEpochSecond(seconds, nanos), ZoneOffset.UTC));
    }

    @Test
    void layout() {
        // 1_700_000_000 = 0x6553f100; + 2^62 + 10. 123_456_789 = 0x075bcd15, low 24 bits cleared.
        assertThat(HEX.formatHex(at(1_700_000_000L, 123_456_789)))
                .isEqualTo("400000006553f10a07000000");
        assertThat(HEX.formatHex(at(0, 0))).isEqualTo("400000000000000a00000000");
    }

    @Test
    void nanosecondsRoundDownToMultiplesOf2To24() {
        assertThat(HEX.formatHex(at(0, 999_999_999))).endsWith("3b000000");
        assertThat(HEX.formatHex(at(0, (1 << 24) - 1))).endsWith("00000000");
        assertThat(HEX.formatHex(at(0, 1 << 24))).endsWith("01000000");
    }

    @Test
    void compareIsChronological() {
        byte[] t0 = at(1_700_000_000L, 0);
        byte[] sameBucket = at(1_700_000_000L, 16_000_000);
        byte[] nextBucket = at(1_700_000_000L, 17_000_000);
        byte[] nextSecond = at(1_700_000_001L, 0);
        // Within one ~16.8 ms bucket stamps are equal, so a responder treats the second
        // initiation as a replay; WireGuard's rate limit on initiations makes that moot.
        assertThat(Tai64n.compare(t0, sameBucket)).isZero();
        assertThat(Tai64n.compare(t0, nextBucket)).isNegative();
        assertThat(Tai64n.compare(nextBucket, t0)).isPositive();
        assertThat(Tai64n.compare(nextBucket, nextSecond)).isNegative();
        // Unsigned: a byte ≥ 0x80 is later than one below it (signed compare would invert this).
        byte[] high = HEX.parseHex("4000000000000080000000ff");
        byte[] low = HEX.parseHex("400000000000007f000000ff");
        assertThat(Tai64n.compare(high, low)).isPositive();
    }

    @Test
    void clockSequenceIsMonotonic() {
        byte[] previous = at(1_699_999_999L, 999_999_999);
        for (int ms = 0; ms < 2_000; ms += 17) {
            byte[] next = at(1_700_000_000L, ms * 1_000_000);
            assertThat(Tai64n.compare(next, previous)).isPositive();
            previous = next;
        }
    }

    @Test
    void rejectsWrongLength() {
        assertThatThrownBy(() -> Tai64n.compare(new byte[12], new byte[11]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
