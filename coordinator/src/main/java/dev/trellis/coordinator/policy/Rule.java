package dev.trellis.coordinator.policy;

import java.util.List;

/**
 * One compiled {@code acls} entry.
 *
 * @param index 0-based position in {@code acls}
 * @param line where the rule's object starts
 * @param protos IANA numbers; empty = the default set (TCP, UDP, ICMP, ICMPv6)
 * @param proto the proto text as written, or null when absent
 */
record Rule(int index, int line, List<Src> src, List<Dst> dst, List<Integer> protos, String proto) {
    Rule {
        src = List.copyOf(src);
        dst = List.copyOf(dst);
        protos = List.copyOf(protos);
    }

    /** Whether the src holds {@code *}: then its packet filter source is "*". */
    boolean anySource() {
        return src.stream().anyMatch(s -> s.selector() instanceof Selector.Any);
    }

    /** How the rule reads in messages: {@code group:eng, alice → tag:server:22}. */
    String summary() {
        StringBuilder sb = new StringBuilder();
        for (Src s : src) {
            sb.append(sb.isEmpty() ? "" : ", ").append(s.text());
        }
        sb.append(" → ");
        for (int i = 0; i < dst.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(dst.get(i).text());
        }
        return proto == null ? sb.toString() : sb + " (proto " + proto + ")";
    }

    String where() {
        return "acls[" + index + "] at line " + line;
    }

    record Src(String text, Selector selector, int line, int column) {}

    /**
     * @param text the entry as written, e.g. {@code tag:server:22,443}
     * @param target the part before the port, e.g. {@code tag:server}
     */
    record Dst(String text, String target, Selector selector, List<Ports.Span> ports, int line, int column) {
        Dst {
            ports = List.copyOf(ports);
        }
    }
}
