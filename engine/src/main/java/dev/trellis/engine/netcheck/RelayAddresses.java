package dev.trellis.engine.netcheck;

import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.net.IpLiterals;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where to reach one relay: its IPv4 and IPv6 address, either null if it has none. Per family,
 * the map's literal wins; without one the relay's HostName is resolved (as {@link RelayMap.Relay}
 * documents: null means resolve). A HostName that is itself an IP literal resolves without DNS.
 */
record RelayAddresses(RelayMap.Relay relay, InetAddress v4, InetAddress v6) {
    private static final Logger LOG = Logger.getLogger(RelayAddresses.class.getName());

    List<InetAddress> all() {
        List<InetAddress> all = new ArrayList<>(2);
        if (v4 != null) {
            all.add(v4);
        }
        if (v6 != null) {
            all.add(v6);
        }
        return all;
    }

    /**
     * The addresses of {@code relays}, resolving host names concurrently. A lookup still running
     * at {@code deadlineNanos} (System.nanoTime) is abandoned: the JDK's resolver cannot be
     * interrupted, so it finishes on its own daemon thread and its answer is dropped.
     */
    static List<RelayAddresses> resolve(List<RelayMap.Relay> relays, long deadlineNanos) throws InterruptedException {
        List<CompletableFuture<InetAddress[]>> lookups = new ArrayList<>();
        for (RelayMap.Relay r : relays) {
            boolean needed = blank(r.ipv4()) || blank(r.ipv6());
            lookups.add(needed ? lookup(r.hostName()) : CompletableFuture.completedFuture(new InetAddress[0]));
        }
        List<RelayAddresses> out = new ArrayList<>();
        for (int i = 0; i < relays.size(); i++) {
            RelayMap.Relay r = relays.get(i);
            InetAddress[] resolved = await(lookups.get(i), r, deadlineNanos);
            InetAddress v4 = blank(r.ipv4()) ? first(resolved, Inet4Address.class) : literal(r.ipv4());
            InetAddress v6 = blank(r.ipv6()) ? first(resolved, Inet6Address.class) : literal(r.ipv6());
            out.add(new RelayAddresses(r, v4, v6));
        }
        return out;
    }

    private static CompletableFuture<InetAddress[]> lookup(String host) {
        CompletableFuture<InetAddress[]> f = new CompletableFuture<>();
        Thread.ofVirtual().name("netcheck-resolve").start(() -> {
            try {
                f.complete(InetAddress.getAllByName(host));
            } catch (UnknownHostException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    private static InetAddress[] await(CompletableFuture<InetAddress[]> f, RelayMap.Relay r, long deadlineNanos)
            throws InterruptedException {
        try {
            return f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            LOG.log(Level.FINE, "relay " + r.name() + ": cannot resolve " + r.hostName(), e.getCause());
        } catch (TimeoutException e) {
            LOG.fine(() -> "relay " + r.name() + ": resolving " + r.hostName() + " took too long");
        }
        return new InetAddress[0];
    }

    private static InetAddress first(InetAddress[] addresses, Class<? extends InetAddress> family) {
        for (InetAddress a : addresses) {
            if (family.isInstance(a)) {
                return a;
            }
        }
        return null;
    }

    /**
     * The map was validated, so the literal parses. The JDK's form (an IPv4-mapped IPv6 literal
     * becomes IPv4) is what a received datagram's source will be, so answers match their server.
     */
    private static InetAddress literal(String text) {
        try {
            return InetAddress.getByAddress(IpLiterals.parseAddress(text));
        } catch (UnknownHostException e) {
            throw new AssertionError("a validated literal: " + text, e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }
}
