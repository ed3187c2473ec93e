package dev.trellis.engine.natlab;

import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One IPv4 address space (a LAN or "the internet") that carries packets between the interfaces
 * on it. A packet for an address outside the prefix goes to the network's gateway, if it has
 * one; anything else undeliverable is dropped and counted.
 *
 * <p>Only simulation-safe prefixes are accepted: 198.18.0.0/15 (benchmarking space) for public
 * networks and RFC 1918 space for LANs. Nothing here ever reaches a real socket.
 */
public final class Network {
    private static final List<IpPrefix> ALLOWED = List.of(IpPrefix.parse("198.18.0.0/15"),
            IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("172.16.0.0/12"), IpPrefix.parse("192.168.0.0/16"));

    private final Sim sim;
    private final String name;
    private final IpPrefix prefix;
    private final Map<InetAddress, Interface> members = new HashMap<>();
    private Interface gateway;
    private Impairment impairment = Impairment.NONE;
    private Predicate<Packet> filter = p -> true;
    private long delivered;
    private long dropped;

    Network(Sim sim, String name, String prefix) {
        IpPrefix p = IpPrefix.parse(prefix);
        if (!p.isIpv4() || ALLOWED.stream().noneMatch(a -> a.bits() <= p.bits() && a.contains(p.address()))) {
            throw new IllegalArgumentException("network " + name + ": " + prefix
                    + " is not inside 198.18.0.0/15 or RFC 1918 space; natlab only simulates those");
        }
        this.sim = sim;
        this.name = name;
        this.prefix = p;
    }

    public String name() {
        return name;
    }

    public IpPrefix prefix() {
        return prefix;
    }

    public boolean contains(InetAddress a) {
        return prefix.contains(a.getAddress());
    }

    /** Where packets for addresses outside this network go (a router's interface on it). */
    public void setGateway(Interface gw) {
        if (gw.network() != this) {
            throw new IllegalArgumentException(gw + " is not on network " + name);
        }
        sim.locked(() -> gateway = gw);
    }

    public void setImpairment(Impairment i) {
        sim.locked(() -> impairment = i);
    }

    /** Sees every packet put on this network; returning false drops it (a tap or a cut wire). */
    public void setFilter(Predicate<Packet> f) {
        sim.locked(() -> filter = f);
    }

    public long delivered() {
        return sim.locked(() -> delivered);
    }

    public long dropped() {
        return sim.locked(() -> dropped);
    }

    /** Runs every hop due now (same as {@link Sim#deliverAll}); stepped sims only. */
    public int deliverAll() {
        return sim.deliverAll();
    }

    void join(Interface i) {
        if (!contains(i.address())) {
            throw new IllegalArgumentException(i.address().getHostAddress() + " is not in " + name + " " + prefix);
        }
        if (members.putIfAbsent(i.address(), i) != null) {
            throw new IllegalArgumentException(i.address().getHostAddress() + " is already used on " + name);
        }
    }

    /** Puts {@code p} on the wire from {@code from}. Lock held. */
    void transmit(Packet p, Interface from) {
        if (!filter.test(p)) {
            dropped++;
            return;
        }
        Impairment imp = impairment;
        long delay = imp.latency().toNanos();
        if (imp != Impairment.NONE) {
            if (imp.loss() > 0 && sim.random().nextDouble() < imp.loss()) {
                dropped++;
                return;
            }
            long jitter = imp.jitter().toNanos();
            if (jitter > 0) {
                delay += sim.random().nextLong(jitter + 1);
            }
        }
        sim.schedule(delay, () -> arrive(p, from));
    }

    private void arrive(Packet p, Interface from) {
        InetAddress dst = p.dst().getAddress();
        Interface to = members.get(dst);
        if (to == null && !contains(dst) && gateway != null && gateway != from) {
            to = gateway;
        }
        if (to == null) {
            dropped++;
            return;
        }
        delivered++;
        to.machine().receive(p, to);
    }

    @Override
    public String toString() {
        return name + " " + prefix;
    }
}
