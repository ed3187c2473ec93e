package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextAndUnitsTest {

    @Test
    void bytesInBinaryUnits() {
        assertThat(HumanUnits.bytes(0)).isEqualTo("0 B");
        assertThat(HumanUnits.bytes(1023)).isEqualTo("1023 B");
        assertThat(HumanUnits.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(HumanUnits.bytes(3L << 20)).isEqualTo("3.0 MiB");
        assertThat(HumanUnits.bytes(5L << 40)).isEqualTo("5.0 TiB");
        assertThat(HumanUnits.bytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
        assertThat(HumanUnits.bytes(-5)).isEqualTo("0 B");
    }

    @Test
    void agesInOneUnit() {
        Instant now = Instant.parse("2026-11-25T19:00:00Z");
        assertThat(HumanUnits.ago(null, now)).isEqualTo("never");
        assertThat(HumanUnits.ago(now, now)).isEqualTo("0s ago");
        assertThat(HumanUnits.ago(now.minusSeconds(3), now)).isEqualTo("3s ago");
        assertThat(HumanUnits.ago(now.minusSeconds(125), now)).isEqualTo("2m ago");
        assertThat(HumanUnits.ago(now.minusSeconds(7200), now)).isEqualTo("2h ago");
        assertThat(HumanUnits.ago(now.minusSeconds(3 * 86400 + 5), now)).isEqualTo("3d ago");
        assertThat(HumanUnits.ago(now.plusSeconds(5), now)).isEqualTo("just now");
    }

    @Test
    void goDurations() {
        assertThat(GoDuration.parse("0")).isZero();
        assertThat(GoDuration.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDuration.parse("2m3s4ms5us6ns")).isEqualTo(Duration.ofNanos(123_004_005_006L));
        for (String bad : List.of("", "5", "5x", "-5s", "s", "1..5s", ".s", "1h 2m", "9".repeat(70) + "h",
                "999999999h")) {
            assertThatThrownBy(() -> GoDuration.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(GoDuration.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(GoDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDuration.format(Duration.ofHours(2))).isEqualTo("2h0m0s");
        assertThat(GoDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
    }

    @Test
    void terminalTextHasNoControlsAndOneLine() {
        assertThat(TerminalText.oneLine("a\nb\r\tc\u001b[1m\u0007\u009b\u202e")).isEqualTo("a b  c?[1m???");
        assertThat(TerminalText.oneLine("x".repeat(5000))).hasSize(TerminalText.MAX_LINE + 1).endsWith("…");
        assertThat(TerminalText.cell(null)).isEqualTo("-");
        assertThat(TerminalText.cell(" ")).isEqualTo("-");
        assertThat(TerminalText.cell("é漢字")).isEqualTo("é漢字");
    }
}
