package dev.trellis.coordinator.policy;

import java.util.List;

/**
 * Why the policy allows or denies a connection: the rules that allow it, or, when none does, the
 * nearest misses ("acls[2] at line 12 allows group:eng → tag:server:22, but src alice is not in
 * group:eng").
 *
 * @param matches every rule that allows the connection, in policy order
 * @param reasons when denied: a few near misses, most useful first; empty when allowed
 */
public record Explanation(boolean allowed, List<Match> matches, List<String> reasons) {
    public Explanation {
        matches = List.copyOf(matches);
        reasons = List.copyOf(reasons);
    }

    /**
     * One rule that allows the connection.
     *
     * @param rule 0-based index in {@code acls}
     * @param line the rule's line in the policy text
     * @param src the src entry that matched the source, as written
     * @param dst the dst entry that matched the destination, as written (e.g. {@code tag:server:22})
     * @param ports that entry's ports
     * @param proto the rule's proto as written, or null for the default set (tcp, udp, icmp)
     */
    public record Match(int rule, int line, String src, String dst, String ports, String proto) {
        @Override
        public String toString() {
            return "acls[" + rule + "] at line " + line + ": " + src + " → " + dst
                    + (proto == null ? "" : " (proto " + proto + ")");
        }
    }

    /** For the CLI: "allowed"/"denied", then one indented line per match or reason. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(allowed ? "allowed" : "denied");
        for (Match m : matches) {
            sb.append("\n  by ").append(m);
        }
        for (String r : reasons) {
            sb.append("\n  ").append(r);
        }
        return sb.toString();
    }
}
