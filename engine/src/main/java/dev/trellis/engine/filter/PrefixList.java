package dev.trellis.engine.filter;

import dev.trellis.protocol.net.IpPrefix;
import java.util.Arrays;

/**
 * IP prefixes, each with a port range, laid out in flat arrays per family so that a lookup is a
 * scan of masked compares with no allocation. Addresses use {@link Packet}'s two-long form.
 * Immutable once built.
 */
final class PrefixList {
    /** How a lookup treats the port ranges. */
    enum Ports {
        /** Addresses alone decide: source sets, ICMP. */
        IGNORE,
        /** The packet's port must lie in the range: TCP, UDP, SCTP. */
        CHECK,
        /** The packet has no ports, so only a range of all ports admits it. */
        REQUIRE_ALL
    }

    static final PrefixList EMPTY = new Builder().build();

    private final Family v4;
    private final Family v6;

    private PrefixList(Family v4, Family v6) {
        this.v4 = v4;
        this.v6 = v6;
    }

    boolean isEmpty() {
        return v4.size == 0 && v6.size == 0;
    }

    /** Whether the address lies in one of the prefixes, ports aside. */
    boolean contains(int version, long hi, long lo) {
        return matches(version, hi, lo, Ports.IGNORE, 0);
    }

    boolean matches(int version, long hi, long lo, Ports ports, int port) {
        Family f = version == 4 ? v4 : v6;
        long[] h = f.hi;
        long[] l = f.lo;
        long[] mh = f.maskHi;
        long[] ml = f.maskLo;
        for (int i = 0, n = f.size; i < n; i++) {
            if ((hi & mh[i]) == h[i] && (lo & ml[i]) == l[i]) {
                boolean ok = switch (ports) {
                    case IGNORE -> true;
                    case CHECK -> port >= f.first[i] && port <= f.last[i];
                    case REQUIRE_ALL -> f.first[i] == 0 && f.last[i] == 65535;
                };
                if (ok) {
                    return true;
                }
            }
        }
        return false;
    }

    private record Family(int size, long[] hi, long[] lo, long[] maskHi, long[] maskLo, int[] first, int[] last) {}

    static final class Builder {
        private final FamilyBuilder v4 = new FamilyBuilder();
        private final FamilyBuilder v6 = new FamilyBuilder();

        Builder add(IpPrefix prefix) {
            return add(prefix, 0, 65535);
        }

        Builder add(IpPrefix prefix, int first, int last) {
            byte[] a = prefix.address();
            int bits = prefix.bits();
            if (a.length == 4) {
                long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
                v4.add(0, 0, toLong(a, 0, 4) & mask, mask, first, last);
            } else {
                long maskHi = bits == 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
                long maskLo = bits <= 64 ? 0 : -1L << (128 - bits);
                v6.add(toLong(a, 0, 8) & maskHi, maskHi, toLong(a, 8, 8) & maskLo, maskLo, first, last);
            }
            return this;
        }

        /** Every address of both families. */
        Builder addAny(int first, int last) {
            v4.add(0, 0, 0, 0, first, last);
            v6.add(0, 0, 0, 0, first, last);
            return this;
        }

        Builder addAll(PrefixList other) {
            v4.addAll(other.v4);
            v6.addAll(other.v6);
            return this;
        }

        PrefixList build() {
            return new PrefixList(v4.build(), v6.build());
        }

        private static long toLong(byte[] a, int from, int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = v << 8 | (a[from + i] & 0xff);
            }
            return v;
        }
    }

    private static final class FamilyBuilder {
        private int size;
        private long[] hi = new long[4];
        private long[] lo = new long[4];
        private long[] maskHi = new long[4];
        private long[] maskLo = new long[4];
        private int[] first = new int[4];
        private int[] last = new int[4];

        void add(long h, long mh, long l, long ml, int f, int t) {
            if (size == hi.length) {
                int n = size * 2;
                hi = Arrays.copyOf(hi, n);
                lo = Arrays.copyOf(lo, n);
                maskHi = Arrays.copyOf(maskHi, n);
                maskLo = Arrays.copyOf(maskLo, n);
                first = Arrays.copyOf(first, n);
                last = Arrays.copyOf(last, n);
            }
            hi[size] = h;
            maskHi[size] = mh;
            lo[size] = l;
            maskLo[size] = ml;
            first[size] = f;
            last[size] = t;
            size++;
        }

        void addAll(Family f) {
            for (int i = 0; i < f.size; i++) {
                add(f.hi[i], f.maskHi[i], f.lo[i], f.maskLo[i], f.first[i], f.last[i]);
            }
        }

        Family build() {
            return new Family(size, Arrays.copyOf(hi, size), Arrays.copyOf(lo, size),
                    Arrays.copyOf(maskHi, size), Arrays.copyOf(maskLo, size),
                    Arrays.copyOf(first, size), Arrays.copyOf(last, size));
        }
    }
}
