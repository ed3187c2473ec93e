package dev.trellis.engine.filter;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the packet filter accepted and dropped, and why. One instance per node, shared by every
 * {@link PacketFilter} version so that the counts only grow (as metrics should). Counting is a
 * {@link LongAdder} increment; a dropped packet is also described in a debug log line, at most
 * once per {@link #LOG_INTERVAL} per reason, and only then formatted.
 *
 * <p>Accepts are counted by the index of the rule that accepted them in the filter's current
 * rule list: after a policy change, index 3 is the new list's rule 3.
 */
public final class FilterCounters {
    /** At most one drop log line per reason per interval. */
    public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger("trellis.filter");

    private final LongSupplier nanoClock;
    private final Consumer<String> dropLog;
    private volatile LongAdder[] byRule = new LongAdder[0];
    private final LongAdder byFlow = new LongAdder();
    private final LongAdder fragments = new LongAdder();
    private final LongAdder unfiltered = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];
    /** Per reason, the nanoTime from which the next drop may be logged. */
    private final AtomicLongArray nextLog;

    /** Counters that log drops to the {@code trellis.filter} logger at DEBUG. */
    public FilterCounters() {
        this(System::nanoTime, line -> LOG.log(Level.DEBUG, line));
    }

    /** Counters timed by {@code nanoClock} that hand drop log lines to {@code dropLog}. */
    public FilterCounters(LongSupplier nanoClock, Consumer<String> dropLog) {
        if (nanoClock == null || dropLog == null) {
            throw new NullPointerException(nanoClock == null ? "nanoClock" : "dropLog");
        }
        this.nanoClock = nanoClock;
        this.dropLog = dropLog;
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
        long now = nanoClock.getAsLong();
        nextLog = new AtomicLongArray(dropped.length);
        for (int i = 0; i < dropped.length; i++) {
            nextLog.set(i, now);
        }
    }

    /** The adders of rules {@code 0..n-1}, created as needed; a compiled filter keeps them. */
    synchronized LongAdder[] ruleCounters(int n) {
        LongAdder[] have = byRule;
        if (have.length < n) {
            LongAdder[] grown = Arrays.copyOf(have, n);
            for (int i = have.length; i < n; i++) {
                grown[i] = new LongAdder();
            }
            byRule = grown;
            have = grown;
        }
        return Arrays.copyOf(have, n);
    }

    void acceptedByFlow() {
        byFlow.increment();
    }

    void acceptedFragment() {
        fragments.increment();
    }

    void acceptedUnfiltered() {
        unfiltered.increment();
    }

    /**
     * Counts a drop and, if this reason's log is due, describes the packet: from {@code parsed}
     * when its headers were read, else by parsing {@code b[off, off+len)} now.
     */
    void dropped(DropReason reason, Packet parsed, java.nio.ByteBuffer b, int off, int len) {
        dropped[reason.ordinal()].increment();
        long now = nanoClock.getAsLong();
        long due = nextLog.get(reason.ordinal());
        if (now - due < 0 || !nextLog.compareAndSet(reason.ordinal(), due, now + LOG_INTERVAL.toNanos())) {
            return;
        }
        Packet p = parsed;
        if (p == null) {
            p = new Packet();
            if (len > 0 && off >= 0 && off + len <= b.limit()) {
                p.parse(b, off, len);
            } else {
                p.error = "empty packet";
            }
        }
        try {
            dropLog.accept("dropped " + PacketText.describe(p, len) + ": " + reason.text()
                    + (reason == DropReason.MALFORMED && p.error != null ? " (" + p.error + ")" : ""));
        } catch (RuntimeException e) {
            // a failing log sink must not break the data path
        }
    }

    public Snapshot snapshot() {
        LongAdder[] rules = byRule;
        List<Long> accepted = new ArrayList<>(rules.length);
        for (LongAdder a : rules) {
            accepted.add(a.sum());
        }
        Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            drops.put(r, dropped[r.ordinal()].sum());
        }
        return new Snapshot(accepted, byFlow.sum(), fragments.sum(), unfiltered.sum(), drops);
    }

    /**
     * The counters at one moment.
     *
     * @param acceptedByRule accepted packets per rule index (see the class comment)
     * @param acceptedByFlow replies accepted because this node started their flow
     * @param acceptedFragments later fragments of accepted datagrams
     * @param acceptedUnfiltered packets passed by an allow-all filter, unexamined
     * @param dropped drops per reason, every reason present
     */
    public record Snapshot(List<Long> acceptedByRule, long acceptedByFlow, long acceptedFragments,
            long acceptedUnfiltered, Map<DropReason, Long> dropped) {
        public Snapshot {
            acceptedByRule = List.copyOf(acceptedByRule);
            dropped = Collections.unmodifiableMap(new EnumMap<>(dropped));
        }

        public long dropped(DropReason reason) {
            return dropped.getOrDefault(reason, 0L);
        }

        public long droppedTotal() {
            return dropped.values().stream().mapToLong(Long::longValue).sum();
        }

        public long acceptedTotal() {
            return acceptedByRule.stream().mapToLong(Long::longValue).sum() + acceptedByFlow
                    + acceptedFragments + acceptedUnfiltered;
        }

        /**
         * Flat metric names for an exporter: {@code accepted.rule.<i>}, {@code accepted.flow},
         * {@code accepted.fragment}, {@code accepted.unfiltered}, {@code dropped.<reason>}.
         */
        public Map<String, Long> asMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (int i = 0; i < acceptedByRule.size(); i++) {
                m.put("accepted.rule." + i, acceptedByRule.get(i));
            }
            m.put("accepted.flow", acceptedByFlow);
            m.put("accepted.fragment", acceptedFragments);
            m.put("accepted.unfiltered", acceptedUnfiltered);
            for (DropReason r : DropReason.values()) {
                m.put("dropped." + r.metricName(), dropped(r));
            }
            return Collections.unmodifiableMap(m);
        }
    }
}
