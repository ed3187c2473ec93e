package dev.trellis.protocol.localapi;

import java.util.EnumSet;
import java.util.Set;

/**
 * Bits of the {@code mask} query parameter of {@link LocalApiPaths#WATCH_IPN_BUS}, with
 * Tailscale's values ({@code ipn.NotifyWatchOpt}). Only the bits Trellis serves are listed; the
 * mask travels as a decimal unsigned 64-bit number, and a daemon ignores bits it does not know,
 * as tailscaled does.
 */
public enum WatchOpt {
    /** Send {@link Notify#engine()} updates regularly or when they change. */
    ENGINE_UPDATES(1L << 0),
    /** The first message (sent at once) carries the current State and any pending BrowseToURL. */
    INITIAL_STATE(1L << 1),
    /** The first message carries the current Prefs. */
    INITIAL_PREFS(1L << 2),
    /** The first message carries the current NetMap. */
    INITIAL_NET_MAP(1L << 3),
    /** A no-op kept for old clients: private keys are never sent. */
    NO_PRIVATE_KEYS(1L << 4),
    /** The first message carries the current Health. */
    INITIAL_HEALTH_STATE(1L << 7),
    /** Rate-limit NetMap updates to one every few seconds. */
    RATE_LIMIT(1L << 8);

    private final long bit;

    WatchOpt(long bit) {
        this.bit = bit;
    }

    public long bit() {
        return bit;
    }

    /** The mask with all of {@code opts} set. */
    public static long mask(WatchOpt... opts) {
        long m = 0;
        for (WatchOpt o : opts) {
            m |= o.bit;
        }
        return m;
    }

    /** The options set in {@code mask}; bits not listed here are left out. */
    public static Set<WatchOpt> fromMask(long mask) {
        EnumSet<WatchOpt> set = EnumSet.noneOf(WatchOpt.class);
        for (WatchOpt o : values()) {
            if ((mask & o.bit) != 0) {
                set.add(o);
            }
        }
        return set;
    }

    /** Whether {@code mask} has this option's bit set. */
    public boolean isSetIn(long mask) {
        return (mask & bit) != 0;
    }

    /**
     * Parses the query parameter's text: a decimal unsigned 64-bit number as Go's
     * {@code strconv.ParseUint(s, 10, 64)} accepts it; empty or absent means 0.
     */
    public static long parseMask(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        if (text.length() > 20 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("watch mask must be a decimal number, got '"
                    + (text.length() > 24 ? text.substring(0, 24) + "…" : text) + "'");
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("watch mask out of range: " + text, e);
        }
    }
}
