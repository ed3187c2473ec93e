package dev.trellis.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.coordinator.metrics.PrometheusText.Sample;
import dev.trellis.coordinator.metrics.PrometheusText.Type;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The renderer writes only what the text format allows, whatever text it is given. */
class MetricsTextFormatTest {
    @Test
    void familiesHaveHelpTypeAndSamplesInOrder() {
        String text = new PrometheusText()
                .gauge("a_gauge", "A gauge.", 3)
                .counter("b_total", "A counter.", 12.5)
                .family(Type.GAUGE, "c_bytes", "By area.", List.of(Sample.of(1, "area", "heap"),
                        Sample.of(2, "area", "nonheap", "pool", "x")))
                .render();
        assertThat(text).isEqualTo("""
                # HELP a_gauge A gauge.
                # TYPE a_gauge gauge
                a_gauge 3
                # HELP b_total A counter.
                # TYPE b_total counter
                b_total 12.5
                # HELP c_bytes By area.
                # TYPE c_bytes gauge
                c_bytes{area="heap"} 1
                c_bytes{area="nonheap",pool="x"} 2
                """);
        assertThat(ExpositionChecker.check(text)).containsEntry("c_bytes{area=\"nonheap\",pool=\"x\"}", 2.0);
    }

    @Test
    void helpAndLabelValuesAreEscapedSoNoLineCanBeForged() {
        String text = new PrometheusText()
                .family(Type.GAUGE, "tricky", "back\\slash, \"quote\" and\nnew line",
                        List.of(Sample.of(1, "v", "a\"b\\c\nd} 99\nforged 1")))
                .render();
        assertThat(text).contains("# HELP tricky back\\\\slash, \"quote\" and\\nnew line\n")
                .contains("tricky{v=\"a\\\"b\\\\c\\nd} 99\\nforged 1\"} 1\n");
        assertThat(text.lines()).hasSize(3);
        Map<String, Double> samples = ExpositionChecker.check(text);
        assertThat(samples).hasSize(1).doesNotContainKey("forged");
    }

    @Test
    void valuesAreWrittenAsGoParsesThem() {
        assertThat(PrometheusText.format(0)).isEqualTo("0");
        assertThat(PrometheusText.format(-7)).isEqualTo("-7");
        assertThat(PrometheusText.format(123456789012L)).isEqualTo("123456789012");
        assertThat(PrometheusText.format(0.25)).isEqualTo("0.25");
        assertThat(PrometheusText.format(1e-9)).isEqualTo("1.0E-9");
        assertThat(PrometheusText.format(1e300)).isEqualTo("1.0E300");
        assertThat(PrometheusText.format(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusText.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        ExpositionChecker.check(new PrometheusText().family(Type.GAUGE, "g", "", List.of(Sample.of(1e-9, "k", "a"),
                Sample.of(Double.NaN, "k", "b"), Sample.of(Double.NEGATIVE_INFINITY, "k", "c"))).render());
    }

    @Test
    void whatTheFormatForbidsIsRefused() {
        assertThatThrownBy(() -> new PrometheusText().gauge("bad-name", "", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metric name");
        assertThatThrownBy(() -> new PrometheusText().gauge("9lives", "", 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrometheusText().gauge("x", "", 1).gauge("x", "", 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> new PrometheusText().counter("requests", "", 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("_total");
        assertThatThrownBy(() -> new PrometheusText().counter("x_total", "", -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> Sample.of(1, "bad-label", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sample.of(1, "__reserved", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sample.of(1, "a", "1", "a", "2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sample.of(1, "odd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrometheusText().family(Type.GAUGE, "g", "", List.of(Sample.of(1), Sample.of(2))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCheckerItselfRejectsBrokenExpositions() {
        assertThatThrownBy(() -> ExpositionChecker.check("x 1\n")).hasMessageContaining("outside");
        assertThatThrownBy(() -> ExpositionChecker.check("# HELP x h\n# TYPE x gauge\nx 1")).hasMessageContaining("newline");
        assertThatThrownBy(() -> ExpositionChecker.check("# HELP x h\n# TYPE x gauge\nx one\n"))
                .hasMessageContaining("Go float");
        assertThatThrownBy(() -> ExpositionChecker.check("# HELP x h\n# TYPE x gauge\nx{a=\"\"\"} 1\n"))
                .hasMessageContaining("not a HELP");
        assertThatThrownBy(() -> ExpositionChecker.check("# HELP x h\n# TYPE x gauge\nx 1\n# HELP x h\n# TYPE x gauge\n"))
                .hasMessageContaining("twice");
    }

    @Test
    void thePageSizeIsReadFromTheAuxiliaryVector() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(33).putLong(0x7fff0000L).putLong(6).putLong(16384).putLong(0).putLong(0);
        assertThat(ProcessStats.pageSizeFrom(b.array(), ByteOrder.LITTLE_ENDIAN, 8)).isEqualTo(16384);
        assertThat(ProcessStats.pageSizeFrom(new byte[16], ByteOrder.LITTLE_ENDIAN, 8)).isEqualTo(-1);
        assertThat(ProcessStats.pageSizeFrom(new byte[5], ByteOrder.LITTLE_ENDIAN, 8)).isEqualTo(-1);
        assertThat(ProcessStats.pageSize()).as("this machine").isIn(4096L, 16384L, 65536L);
    }
}
