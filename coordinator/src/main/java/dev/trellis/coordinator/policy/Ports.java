package dev.trellis.coordinator.policy;

import java.util.ArrayList;
import java.util.List;

/** The port part of a dst entry: {@code *}, {@code 22}, {@code 80-90} or {@code 22,80,443}. */
final class Ports {
    private Ports() {}

    record Span(int first, int last) {
        boolean contains(int port) {
            return port >= first && port <= last;
        }

        @Override
        public String toString() {
            return first == 0 && last == 65535 ? "*" : first == last ? Integer.toString(first) : first + "-" + last;
        }
    }

    static final List<Span> ALL = List.of(new Span(0, 65535));

    /** Returns the spans, or throws IllegalArgumentException with a message for the user. */
    static List<Span> parse(String text) {
        if (text.equals("*")) {
            return ALL;
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the port is empty: write * for all ports, or e.g. 22, 80-90, 22,443");
        }
        List<Span> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int dash = part.indexOf('-');
            int first = port(dash < 0 ? part : part.substring(0, dash), text);
            int last = dash < 0 ? first : port(part.substring(dash + 1), text);
            if (first > last) {
                throw new IllegalArgumentException("port range " + part + " runs backwards: write " + last + "-" + first);
            }
            out.add(new Span(first, last));
        }
        return List.copyOf(out);
    }

    private static int port(String s, String whole) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + whole + "' is not a port list: write * for all ports, "
                    + "or numbers and ranges such as 22, 80-90 or 22,443");
        }
        int p = Integer.parseInt(s);
        if (p > 65535) {
            throw new IllegalArgumentException("port " + p + " is out of range 0-65535");
        }
        return p;
    }

    static boolean contains(List<Span> spans, int port) {
        for (Span s : spans) {
            if (s.contains(port)) {
                return true;
            }
        }
        return false;
    }

    static String text(List<Span> spans) {
        StringBuilder sb = new StringBuilder();
        for (Span s : spans) {
            sb.append(sb.isEmpty() ? "" : ",").append(s);
        }
        return sb.toString();
    }
}
