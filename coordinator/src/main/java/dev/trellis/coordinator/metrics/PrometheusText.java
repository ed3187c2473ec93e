package dev.trellis.coordinator.metrics;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family one
 * {@code # HELP} line, one {@code # TYPE} line, then its samples, each {@code name{labels} value}
 * on one line ending in {@code \n}. Names and label names are checked against the format's
 * grammar, help text and label values are escaped, so no input can break a line or forge a
 * sample. A family may appear only once (scrapers reject repeats).
 */
public final class PrometheusText {
    /** The Content-Type a scraper expects for this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The metric types this renderer writes. */
    public enum Type {
        COUNTER, GAUGE;

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One sample of a family.
     *
     * @param labels label names and values, alternating: {@code "area", "heap"}
     */
    public record Sample(List<String> labels, double value) {
        public Sample {
            labels = List.copyOf(labels);
            if (labels.size() % 2 != 0) {
                throw new IllegalArgumentException("labels come in name, value pairs");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < labels.size(); i += 2) {
                String name = labels.get(i);
                if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                    throw new IllegalArgumentException("bad label name '" + name + "'");
                }
                if (!names.add(name)) {
                    throw new IllegalArgumentException("label '" + name + "' given twice");
                }
            }
        }

        public static Sample of(double value, String... labels) {
            return new Sample(List.of(labels), value);
        }
    }

    private final StringBuilder out = new StringBuilder(4096);
    private final Set<String> families = new HashSet<>();

    /** A counter with one unlabelled sample; by convention its name ends in {@code _total}. */
    public PrometheusText counter(String name, String help, double value) {
        return family(Type.COUNTER, name, help, List.of(Sample.of(value)));
    }

    public PrometheusText gauge(String name, String help, double value) {
        return family(Type.GAUGE, name, help, List.of(Sample.of(value)));
    }

    /** A family with the given samples, which must have distinct label sets. */
    public PrometheusText family(Type type, String name, String help, List<Sample> samples) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name '" + name + "'");
        }
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter names end in _total: " + name);
        }
        if (!families.add(name)) {
            throw new IllegalArgumentException("metric family " + name + " written twice");
        }
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append("\n# TYPE ").append(name).append(' ').append(type.text()).append('\n');
        Set<List<String>> seen = new HashSet<>();
        for (Sample s : samples) {
            if (!seen.add(s.labels())) {
                throw new IllegalArgumentException("two samples of " + name + " with labels " + s.labels());
            }
            if (type == Type.COUNTER && !(s.value() >= 0)) {
                throw new IllegalArgumentException("counter " + name + " must be a non-negative number, got " + s.value());
            }
            out.append(name);
            if (!s.labels().isEmpty()) {
                out.append('{');
                for (int i = 0; i < s.labels().size(); i += 2) {
                    out.append(i == 0 ? "" : ",").append(s.labels().get(i)).append("=\"");
                    escape(s.labels().get(i + 1), true);
                    out.append('"');
                }
                out.append('}');
            }
            out.append(' ').append(format(s.value())).append('\n');
        }
        return this;
    }

    /** The exposition so far. */
    public String render() {
        return out.toString();
    }

    /**
     * A value as Go's ParseFloat reads it: integers without a fraction or exponent (exact up to
     * 2^53), {@code NaN}, {@code +Inf}, {@code -Inf}, else Java's shortest round-trip form.
     */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** HELP text escapes backslash and newline; label values also the double quote. */
    private void escape(String text, boolean labelValue) {
        String s = text == null ? "" : text;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(labelValue ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
