package dev.trellis.engine.filter;

/** Why the filter dropped a packet; each reason has its own counter and log rate limit. */
public enum DropReason {
    /** No rule accepts it and it belongs to no flow this node started. */
    NO_RULE("no_rule", "no rule"),
    /**
     * Its destination is none of this node's addresses or routes and no rule names it: a peer
     * may not use this node as a router unless the policy says so.
     */
    NOT_FOR_US("not_for_us", "destination is not this node"),
    /** A header is truncated or inconsistent, or the packet is not IPv4 or IPv6. */
    MALFORMED("malformed", "malformed"),
    /** A later fragment whose datagram's first fragment was not accepted (or not seen). */
    FRAGMENT("fragment", "fragment of no accepted datagram"),
    /** The node has no filter yet ({@link PacketFilter#DENY_ALL}). */
    NO_FILTER("no_filter", "no packet filter yet");

    private final String metricName;
    private final String text;

    DropReason(String metricName, String text) {
        this.metricName = metricName;
        this.text = text;
    }

    /** A lower-case identifier for metrics, e.g. {@code no_rule}. */
    public String metricName() {
        return metricName;
    }

    /** The reason as it ends a log line, e.g. {@code no rule}. */
    public String text() {
        return text;
    }
}
