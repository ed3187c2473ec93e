package dev.trellis.engine.wg;

import dev.trellis.protocol.net.IpPrefix;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cryptokey routing table: IPv4 and IPv6 prefixes → peer, longest prefix wins (whitepaper §2).
 *
 * <p>Writers change a sorted map under a lock and publish an immutable path-compressed trie;
 * the hot path ({@link #lookup}) reads the published trie without locking or allocating.
 *
 * @param <P> the peer type
 */
final class AllowedIps<P> {
    private final Map<IpPrefix, P> entries = new TreeMap<>();
    private volatile Node<P> root4;
    private volatile Node<P> root6;

    /** Adds or moves {@code prefix} to {@code peer}. */
    synchronized void insert(IpPrefix prefix, P peer) {
        entries.put(prefix, peer);
        publish();
    }

    synchronized void removeByPeer(P peer) {
        if (entries.values().removeIf(p -> p == peer)) {
            publish();
        }
    }

    /** Applies several changes and publishes once: removals first, then insertions in order. */
    synchronized void update(P peer, boolean replace, List<IpPrefix> add) {
        if (replace) {
            entries.values().removeIf(p -> p == peer);
        }
        for (IpPrefix prefix : add) {
            entries.put(prefix, peer);
        }
        publish();
    }

    synchronized List<IpPrefix> prefixesOf(P peer) {
        List<IpPrefix> out = new ArrayList<>();
        entries.forEach((k, v) -> {
            if (v == peer) {
                out.add(k);
            }
        });
        return out;
    }

    synchronized void clear() {
        entries.clear();
        publish();
    }

    private void publish() {
        Node<P> r4 = null;
        Node<P> r6 = null;
        for (var e : entries.entrySet()) {
            IpPrefix p = e.getKey();
            if (p.isIpv4()) {
                r4 = Node.insert(r4, p.address(), p.bits(), e.getValue());
            } else {
                r6 = Node.insert(r6, p.address(), p.bits(), e.getValue());
            }
        }
        root4 = r4;
        root6 = r6;
    }

    /**
     * The peer for the address of {@code len} bytes (4 or 16) at absolute {@code offset} in
     * {@code packet}, or null.
     */
    P lookup(ByteBuffer packet, int offset, int len) {
        Node<P> n = len == 4 ? root4 : root6;
        P found = null;
        while (n != null && n.matches(packet, offset)) {
            if (n.peer != null) {
                found = n.peer;
            }
            if (n.cidr == len * 8) {
                break;
            }
            n = bitAt(packet, offset, n.cidr) == 0 ? n.zero : n.one;
        }
        return found;
    }

    P lookup(byte[] address) {
        return lookup(ByteBuffer.wrap(address), 0, address.length);
    }

    private static int bitAt(ByteBuffer b, int offset, int bit) {
        return (b.get(offset + (bit >>> 3)) >>> (7 - (bit & 7))) & 1;
    }

    private static int bitAt(byte[] a, int bit) {
        return (a[bit >>> 3] >>> (7 - (bit & 7))) & 1;
    }

    /** A trie node: a masked prefix, the peer owning exactly that prefix (or null), children. */
    private static final class Node<P> {
        final byte[] bits;
        final int cidr;
        P peer;
        Node<P> zero;
        Node<P> one;

        Node(byte[] bits, int cidr, P peer) {
            this.bits = bits;
            this.cidr = cidr;
            this.peer = peer;
        }

        boolean matches(ByteBuffer b, int offset) {
            int full = cidr >>> 3;
            for (int i = 0; i < full; i++) {
                if (b.get(offset + i) != bits[i]) {
                    return false;
                }
            }
            int rest = cidr & 7;
            if (rest == 0) {
                return true;
            }
            int m = (0xff << (8 - rest)) & 0xff;
            return ((b.get(offset + full) ^ bits[full]) & m) == 0;
        }

        static int commonBits(byte[] a, byte[] b) {
            for (int i = 0; i < a.length; i++) {
                int x = (a[i] ^ b[i]) & 0xff;
                if (x != 0) {
                    return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
                }
            }
            return a.length * 8;
        }

        static byte[] masked(byte[] a, int cidr) {
            return new IpPrefix(a, cidr).address();
        }

        /** Inserts and returns the subtree's new root. {@code ip} is already masked to cidr. */
        static <P> Node<P> insert(Node<P> n, byte[] ip, int cidr, P peer) {
            if (n == null) {
                return new Node<>(ip, cidr, peer);
            }
            int common = Math.min(Math.min(commonBits(n.bits, ip), n.cidr), cidr);
            if (common == n.cidr && n.cidr == cidr) {
                n.peer = peer;
                return n;
            }
            if (common == n.cidr) {
                if (bitAt(ip, n.cidr) == 0) {
                    n.zero = insert(n.zero, ip, cidr, peer);
                } else {
                    n.one = insert(n.one, ip, cidr, peer);
                }
                return n;
            }
            Node<P> fresh = new Node<>(ip, cidr, peer);
            if (common == cidr) {
                fresh.attach(n);
                return fresh;
            }
            Node<P> fork = new Node<>(masked(ip, common), common, null);
            fork.attach(n);
            fork.attach(fresh);
            return fork;
        }

        private void attach(Node<P> child) {
            if (bitAt(child.bits, cidr) == 0) {
                zero = child;
            } else {
                one = child;
            }
        }
    }
}
