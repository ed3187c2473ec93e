package dev.trellis.bench;

import java.util.HashMap;
import java.util.Map;

/** The Prometheus text format, as much as the benchmarks read of it: sample values by metric name. */
final class Prometheus {
    private Prometheus() {}

    /**
     * Every sample line's value, summed per metric name over all label sets (so
     * {@code dropped_total{reason="a"}} and {@code {reason="b"}} add up). Comments are skipped; a
     * line that is not {@code name[{labels}] value} is refused.
     */
    static Map<String, Double> parse(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            String name = (brace > 0 && brace < space ? line.substring(0, brace) : line.substring(0, space)).strip();
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line, e);
            }
            out.merge(name, value, Double::sum);
        }
        return out;
    }

    /** The metric's value as a whole number, 0 when absent. */
    static long value(Map<String, Double> metrics, String name) {
        return Math.round(metrics.getOrDefault(name, 0.0));
    }
}
