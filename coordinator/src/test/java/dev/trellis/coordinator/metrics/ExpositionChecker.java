package dev.trellis.coordinator.metrics;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a text exposition (format 0.0.4) line by line, as a scraper would, and fails on anything
 * the format does not allow: unknown comment forms, samples without a HELP and TYPE first, a
 * family split or repeated, bad names, unescaped label values, values Go's ParseFloat rejects.
 * Returns the samples, keyed by name and label text, for the test to check values.
 */
final class ExpositionChecker {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\\\\\|\\\\n)*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final String LABEL_VALUE = "\"((?:[^\"\\\\\\n]|\\\\\\\\|\\\\\"|\\\\n)*)\"";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=" + LABEL_VALUE;
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:" + LABEL + "(?:," + LABEL + ")*)?\\})? "
            + "(\\S+)");
    private static final Pattern GO_FLOAT = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
            + "|NaN|[+-]Inf");

    private ExpositionChecker() {}

    static Map<String, Double> check(String text) {
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a newline");
        }
        Map<String, Double> samples = new HashMap<>();
        Set<String> finished = new HashSet<>();
        Map<String, String> types = new HashMap<>();
        String current = null;
        String helped = null;
        List<String> lines = text.substring(0, text.length() - 1).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String where = "line " + (i + 1) + " '" + line + "': ";
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                String name = m.group(1);
                if (finished.contains(name) || name.equals(current)) {
                    throw new AssertionError(where + "family " + name + " appears twice");
                }
                if (current != null) {
                    finished.add(current);
                }
                current = null;
                helped = name;
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (!m.group(1).equals(helped)) {
                    throw new AssertionError(where + "TYPE must follow the family's HELP");
                }
                current = helped;
                helped = null;
                types.put(current, m.group(2));
            } else if (line.startsWith("#")) {
                throw new AssertionError(where + "a comment that is neither HELP nor TYPE");
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (!name.equals(current)) {
                    throw new AssertionError(where + "sample outside its family's block (HELP and TYPE first)");
                }
                String value = m.group(m.groupCount());
                if (!GO_FLOAT.matcher(value).matches()) {
                    throw new AssertionError(where + "value is not a Go float");
                }
                double v = value.equals("NaN") ? Double.NaN : value.endsWith("Inf")
                        ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                        : Double.parseDouble(value);
                if (types.get(name).equals("counter") && !(v >= 0)) {
                    throw new AssertionError(where + "a counter is never negative");
                }
                String key = name + (m.group(2) == null ? "" : m.group(2));
                if (samples.put(key, v) != null) {
                    throw new AssertionError(where + "sample appears twice");
                }
            } else {
                throw new AssertionError(where + "not a HELP, TYPE or sample line");
            }
        }
        if (helped != null) {
            throw new AssertionError("HELP for " + helped + " without a TYPE");
        }
        return samples;
    }
}
