package dev.trellis.coordinator.policy;

import dev.trellis.protocol.net.IpPrefix;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Aggregates addresses and prefixes into the fewest CIDR prefixes that cover exactly the same
 * addresses, for packet filter sources: 10,000 nodes in 100.64.0.0/10 usually collapse to a
 * handful of prefixes. Output is IPv4 before IPv6, in address order; a single host is written
 * as a plain address ({@code 100.64.0.7}), anything larger as {@code 100.64.0.0/30}, as
 * Tailscale's control server writes them.
 */
final class PrefixSet {
    private PrefixSet() {}

    /** A prefix as a 128-bit number: IPv4 in the low 32 bits of {@code lo}, width 32. */
    private record P(long hi, long lo, int bits, int width) {
        static P of(IpPrefix p) {
            byte[] a = p.address();
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < a.length; i++) {
                if (a.length == 16 && i < 8) {
                    hi = (hi << 8) | (a[i] & 0xff);
                } else {
                    lo = (lo << 8) | (a[i] & 0xff);
                }
            }
            return new P(hi, lo, p.bits(), a.length * 8);
        }

        /** Bit {@code i} counted from the most significant bit of the address. */
        private boolean bit(int i) {
            int fromLow = width - 1 - i;
            return fromLow >= 64 ? (hi >>> (fromLow - 64) & 1) != 0 : (lo >>> fromLow & 1) != 0;
        }

        private P with(int i, boolean value, int newBits) {
            int fromLow = width - 1 - i;
            long h = hi;
            long l = lo;
            if (fromLow >= 64) {
                h = value ? h | (1L << (fromLow - 64)) : h & ~(1L << (fromLow - 64));
            } else {
                l = value ? l | (1L << fromLow) : l & ~(1L << fromLow);
            }
            return new P(h, l, newBits, width);
        }

        boolean covers(P o) {
            if (o.bits < bits) {
                return false;
            }
            for (int i = 0; i < bits; i++) { // short loops: prefixes differ early, hosts are few bits long
                if (bit(i) != o.bit(i)) {
                    return false;
                }
            }
            return true;
        }

        /** The sibling-pair parent if {@code this} is the lower and {@code o} the upper half of one. */
        P parentWith(P o) {
            if (bits != o.bits || bits == 0 || bit(bits - 1) || !o.bit(bits - 1)) {
                return null;
            }
            P lowered = o.with(bits - 1, false, bits);
            return lowered.hi == hi && lowered.lo == lo ? with(bits - 1, false, bits - 1) : null;
        }

        String text() {
            byte[] a = new byte[width / 8];
            for (int i = 0; i < a.length; i++) {
                int fromLow = (a.length - 1 - i) * 8;
                a[i] = (byte) (fromLow >= 64 ? hi >>> (fromLow - 64) : lo >>> fromLow);
            }
            return Selector.Prefix.text(new IpPrefix(a, bits));
        }
    }

    private static final Comparator<P> ORDER = Comparator.comparingInt(P::width)
            .thenComparing(P::hi, Long::compareUnsigned)
            .thenComparing(P::lo, Long::compareUnsigned)
            .thenComparingInt(P::bits);

    static List<String> aggregate(Collection<IpPrefix> prefixes) {
        List<P> all = new ArrayList<>(prefixes.size());
        for (IpPrefix p : prefixes) {
            all.add(P.of(p));
        }
        all.sort(ORDER);
        // Sorted by address then length, a covering prefix comes before what it covers; merging
        // sibling halves on a stack then yields the minimal cover in one pass.
        List<P> stack = new ArrayList<>();
        for (P p : all) {
            if (!stack.isEmpty() && stack.getLast().width == p.width && stack.getLast().covers(p)) {
                continue;
            }
            stack.add(p);
            while (stack.size() >= 2) {
                P parent = stack.get(stack.size() - 2).parentWith(stack.getLast());
                if (parent == null) {
                    break;
                }
                stack.removeLast();
                stack.set(stack.size() - 1, parent);
            }
        }
        List<String> out = new ArrayList<>(stack.size());
        for (P p : stack) {
            out.add(p.text());
        }
        return List.copyOf(out);
    }
}
