package dev.trellis.engine.filter;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The flows this node started, so that their replies pass the filter with no rule (connection
 * tracking, like Tailscale's {@code flowtrack} cache). One table per node, shared by every
 * {@link PacketFilter} version, so that a policy change does not cut established flows.
 *
 * <p>Keys are exact: protocol, family, remote and local address, and remote and local port (the
 * ICMP echo identifier for pings, the IP identification for fragments). An entry expires after
 * an idle time that depends on what it tracks ({@link #TCP_IDLE} and so on); a packet of the
 * flow in either direction renews it.
 *
 * <p>Bounded and O(1): a set-associative cache. A key hashes (with a per-table random seed, so a
 * peer cannot aim its entries at one set) to a set of {@value #WAYS} slots; a new entry takes a
 * free or expired slot of its set, else evicts the slot closest to expiry, which is the least
 * recently used one among flows of the same kind. Each set is guarded by one of
 * {@value #STRIPES} striped locks, held for a scan of 8 slots: the Device's reader and writer
 * threads rarely meet. All state is in one {@code long[]}: nothing is allocated per packet.
 */
public final class FlowTable {
    /** Default capacity: 65,536 flows, 3 MiB. */
    public static final int DEFAULT_CAPACITY = 65_536;
    /**
     * Idle timeout of a TCP flow: longer than the usual 2-hour TCP keepalive interval (RFC 1122,
     * Linux {@code tcp_keepalive_time}), so that a quiet connection kept alive by either side
     * stays tracked. The table's bound, not this timeout, is what limits memory.
     */
    public static final Duration TCP_IDLE = Duration.ofHours(3);
    /** Idle timeout of a UDP flow, as common NAT practice (RFC 4787 asks for at least 2 min). */
    public static final Duration UDP_IDLE = Duration.ofMinutes(2);
    /** Idle timeout of an ICMP echo (ping) flow. */
    public static final Duration ICMP_IDLE = Duration.ofSeconds(30);
    /** How long later fragments of an accepted datagram are let in: Linux's reassembly timeout. */
    public static final Duration FRAGMENT_IDLE = Duration.ofSeconds(30);

    static final int WAYS = 8;
    static final int STRIPES = 1024;
    /** A flow keyed by ports (TCP, UDP) or echo identifier (ICMP). */
    static final int KIND_FLOW = 1;
    /** The later fragments of a datagram whose first fragment was accepted. */
    static final int KIND_FRAGMENT = 2;

    private static final int FIELDS = 6;
    private static final int META = 0;
    private static final int EXPIRES = 5;

    private final long[] slots;
    private final int setMask;
    private final Object[] locks;
    private final long seed;
    private final LongSupplier nanoClock;
    private final LongAdder evictions = new LongAdder();

    /** A table of {@link #DEFAULT_CAPACITY} on {@link System#nanoTime()}. */
    public FlowTable() {
        this(DEFAULT_CAPACITY, System::nanoTime);
    }

    /**
     * A table of at least {@code capacity} flows (rounded up to a power of two, at least
     * {@value #WAYS}), timed by {@code nanoClock} (a {@link System#nanoTime()} seam for tests).
     */
    public FlowTable(int capacity, LongSupplier nanoClock) {
        if (capacity < 1 || capacity > 1 << 24) {
            throw new IllegalArgumentException("flow table capacity " + capacity + " not in 1.." + (1 << 24));
        }
        if (nanoClock == null) {
            throw new NullPointerException("nanoClock");
        }
        int slotCount = Math.max(WAYS, Integer.highestOneBit(capacity - 1) << 1);
        int sets = slotCount / WAYS;
        this.slots = new long[slotCount * FIELDS];
        this.setMask = sets - 1;
        this.locks = new Object[Math.min(sets, STRIPES)];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.seed = new SecureRandom().nextLong();
        this.nanoClock = nanoClock;
    }

    /** How many flows the table holds at most. */
    public int capacity() {
        return slots.length / FIELDS;
    }

    /** Flows evicted before their idle timeout because their set was full. */
    public long evictions() {
        return evictions.sum();
    }

    /** The live (unexpired) entries now: a scan of the whole table, for metrics and tests. */
    public int size() {
        long now = nanoClock.getAsLong();
        int live = 0;
        for (int set = 0; set <= setMask; set++) {
            synchronized (lockOf(set)) {
                for (int w = 0; w < WAYS; w++) {
                    int at = (set * WAYS + w) * FIELDS;
                    if (slots[at + META] != 0 && slots[at + EXPIRES] - now > 0) {
                        live++;
                    }
                }
            }
        }
        return live;
    }

    long now() {
        return nanoClock.getAsLong();
    }

    /**
     * The key's fourth part: kind, family, protocol and 32 bits of ports or identifier. Never 0,
     * which marks a free slot.
     */
    static long meta(int kind, boolean v6, int proto, long ports) {
        return (long) kind << 41 | (v6 ? 1L << 40 : 0) | (long) (proto & 0xff) << 32 | (ports & 0xffffffffL);
    }

    /** Creates the entry or renews it. */
    void track(long meta, long remoteHi, long remoteLo, long localHi, long localLo, long now) {
        long expires = now + idleNanos(meta);
        int set = setOf(meta, remoteHi, remoteLo, localHi, localLo);
        synchronized (lockOf(set)) {
            int victim = -1;
            long victimExpires = Long.MAX_VALUE;
            boolean victimLive = false;
            for (int w = 0; w < WAYS; w++) {
                int at = (set * WAYS + w) * FIELDS;
                long m = slots[at + META];
                if (m == meta && slots[at + 1] == remoteHi && slots[at + 2] == remoteLo
                        && slots[at + 3] == localHi && slots[at + 4] == localLo) {
                    slots[at + EXPIRES] = expires;
                    return;
                }
                if (victimLive || victim < 0) {
                    long left = slots[at + EXPIRES] - now;
                    if (m == 0 || left <= 0) {
                        victim = at;
                        victimLive = false;
                    } else if (victim < 0 || left < victimExpires) {
                        victim = at;
                        victimExpires = left;
                        victimLive = true;
                    }
                }
            }
            if (victimLive) {
                evictions.increment();
            }
            slots[victim + META] = meta;
            slots[victim + 1] = remoteHi;
            slots[victim + 2] = remoteLo;
            slots[victim + 3] = localHi;
            slots[victim + 4] = localLo;
            slots[victim + EXPIRES] = expires;
        }
    }

    /** Whether the entry is live; a hit renews it, as traffic in either direction keeps a flow. */
    boolean lookup(long meta, long remoteHi, long remoteLo, long localHi, long localLo, long now) {
        int set = setOf(meta, remoteHi, remoteLo, localHi, localLo);
        synchronized (lockOf(set)) {
            for (int w = 0; w < WAYS; w++) {
                int at = (set * WAYS + w) * FIELDS;
                if (slots[at + META] == meta && slots[at + 1] == remoteHi && slots[at + 2] == remoteLo
                        && slots[at + 3] == localHi && slots[at + 4] == localLo) {
                    if (slots[at + EXPIRES] - now <= 0) {
                        slots[at + META] = 0;
                        return false;
                    }
                    slots[at + EXPIRES] = now + idleNanos(meta);
                    return true;
                }
            }
            return false;
        }
    }

    private static long idleNanos(long meta) {
        if ((int) (meta >>> 41) == KIND_FRAGMENT) {
            return FRAGMENT_IDLE.toNanos();
        }
        int proto = (int) (meta >>> 32) & 0xff;
        return switch (proto) {
            case Packet.TCP -> TCP_IDLE.toNanos();
            case Packet.ICMP, Packet.ICMPV6 -> ICMP_IDLE.toNanos();
            default -> UDP_IDLE.toNanos();
        };
    }

    private int setOf(long meta, long rHi, long rLo, long lHi, long lLo) {
        long h = seed;
        h = mix(h ^ meta);
        h = mix(h ^ rHi);
        h = mix(h ^ rLo);
        h = mix(h ^ lHi);
        h = mix(h ^ lLo);
        return (int) h & setMask;
    }

    private Object lockOf(int set) {
        return locks[set & (locks.length - 1)];
    }

    /** The finalizer of MurmurHash3 (fmix64): every input bit affects every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
