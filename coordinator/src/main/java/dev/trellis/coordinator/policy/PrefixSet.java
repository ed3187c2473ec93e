package dev.trellis.coordinator.policy;

import dev.trellis.protocol.net.IpPrefix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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

    /**
     * A prefix as a 128-bit number (IPv4 in the low 32 bits of {@code lo}, width 32) with its
     * text. Nodes keep theirs, so that aggregating 10,000 node addresses neither unpacks nor
     * formats an address again.
     */
    static final class Item implements Comparable<Item> {
        final long hi;
        final long lo;
        final int bits;
        final int width;
        private String text;

        private Item(long hi, long lo, int bits, int width) {
            this.hi = hi;
            this.lo = lo;
            this.bits = bits;
            this.width = width;
        }

        static Item of(IpPrefix p) {
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
            Item item = new Item(hi, lo, p.bits(), a.length * 8);
            item.text = Selector.Prefix.text(p);
            return item;
        }

        @Override
        public int compareTo(Item o) {
            int c = Integer.compare(width, o.width);
            if (c == 0) {
                c = Long.compareUnsigned(hi, o.hi);
            }
            if (c == 0) {
                c = Long.compareUnsigned(lo, o.lo);
            }
            return c != 0 ? c : Integer.compare(bits, o.bits);
        }

        /** The host bits below the prefix, as masks over (hi, lo). */
        private long hostMaskHi() {
            int host = width - bits;
            return host <= 64 ? 0 : host >= 128 ? -1L : (1L << (host - 64)) - 1;
        }

        private long hostMaskLo() {
            int host = width - bits;
            return host >= 64 ? -1L : (1L << host) - 1;
        }

        boolean covers(Item o) {
            return width == o.width && o.bits >= bits && ((hi ^ o.hi) & ~hostMaskHi()) == 0
                    && ((lo ^ o.lo) & ~hostMaskLo()) == 0;
        }

        /** The parent if {@code this} is the lower and {@code o} the upper half of one prefix. */
        Item parentWith(Item o) {
            if (width != o.width || bits != o.bits || bits == 0) {
                return null;
            }
            int d = width - bits; // the bit that tells the halves apart, counted from bit 0
            long bitHi = d >= 64 ? 1L << (d - 64) : 0;
            long bitLo = d < 64 ? 1L << d : 0;
            if ((hi & bitHi) != 0 || (lo & bitLo) != 0 || (hi | bitHi) != o.hi || (lo | bitLo) != o.lo) {
                return null;
            }
            return new Item(hi, lo, bits - 1, width);
        }

        String text() {
            if (text == null) {
                byte[] a = new byte[width / 8];
                for (int i = 0; i < a.length; i++) {
                    int fromLow = (a.length - 1 - i) * 8;
                    a[i] = (byte) (fromLow >= 64 ? hi >>> (fromLow - 64) : lo >>> fromLow);
                }
                text = Selector.Prefix.text(new IpPrefix(a, bits));
            }
            return text;
        }
    }

    static List<String> aggregate(Collection<IpPrefix> prefixes) {
        List<Item> items = new ArrayList<>(prefixes.size());
        for (IpPrefix p : prefixes) {
            items.add(Item.of(p));
        }
        return aggregateItems(items);
    }

    static List<String> aggregateItems(List<Item> items) {
        Item[] all = items.toArray(Item[]::new);
        Arrays.sort(all);
        // Sorted by address then length, a covering prefix comes before what it covers; merging
        // sibling halves on a stack then yields the minimal cover in one pass.
        Item[] stack = new Item[all.length];
        int top = 0;
        for (Item p : all) {
            if (top > 0 && stack[top - 1].covers(p)) {
                continue;
            }
            stack[top++] = p;
            while (top >= 2) {
                Item parent = stack[top - 2].parentWith(stack[top - 1]);
                if (parent == null) {
                    break;
                }
                stack[--top - 1] = parent;
            }
        }
        String[] out = new String[top];
        for (int i = 0; i < top; i++) {
            out[i] = stack[i].text();
        }
        return List.of(out);
    }
}
