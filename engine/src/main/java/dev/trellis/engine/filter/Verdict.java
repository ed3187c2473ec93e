package dev.trellis.engine.filter;

/** What the filter decided for one packet. */
public enum Verdict {
    /** Deliver the packet. */
    ACCEPT,
    /** Discard the packet; the reason was counted in {@link FilterCounters}. */
    DROP;

    public boolean accepted() {
        return this == ACCEPT;
    }
}
