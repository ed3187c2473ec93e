package dev.trellis.engine.natlab;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * A NAT44 on a router between its LAN interfaces and one WAN interface, behaving per
 * {@link NatConfig} (RFC 4787). Packets forwarded out of the WAN get their source rewritten to
 * a mapping on the WAN address; packets arriving at the WAN address are let in, or not, by the
 * mapping's filtering. One external port belongs to at most one mapping (no port overloading),
 * so an inbound packet's destination port alone finds its mapping.
 *
 * <p>Expiry is lazy: a mapping idle for the timeout is treated as gone wherever it is looked at.
 */
public final class Nat implements PacketHandler {
    private static final int FIRST_PORT = 1024;
    private static final int PORTS = 65536 - FIRST_PORT;
    /** Per-mapping permission entries kept before expired ones are pruned. */
    private static final int PERMISSION_PRUNE_AT = 1024;

    /** What identifies a mapping: the remote parts are null/-1 when the mapping ignores them. */
    private record Key(InetSocketAddress internal, InetAddress remoteHost, int remotePort) {}

    private static final class Mapping {
        final Key key;
        final int port;
        long lastActive;
        final Map<InetAddress, Long> hosts = new HashMap<>();
        final Map<InetSocketAddress, Long> endpoints = new HashMap<>();

        Mapping(Key key, int port) {
            this.key = key;
            this.port = port;
        }
    }

    private final Sim sim;
    private final NatConfig config;
    private final Interface wan;
    private final Map<Key, Mapping> byKey = new HashMap<>();
    private final Map<Integer, Mapping> byPort = new HashMap<>();
    private long droppedInbound;
    private long exhausted;

    /** A NAT whose outside is {@code wan}; install it with {@link Machine#setHandler}. */
    public Nat(Sim sim, NatConfig config, Interface wan) {
        this.sim = sim;
        this.config = config;
        this.wan = wan;
    }

    public NatConfig config() {
        return config;
    }

    public Machine machine() {
        return wan.machine();
    }

    public Interface wan() {
        return wan;
    }

    public InetAddress publicAddress() {
        return wan.address();
    }

    /** The live mapping {@code internal} uses towards {@code remote}, if it has one. */
    public Optional<InetSocketAddress> mapping(InetSocketAddress internal, InetSocketAddress remote) {
        return sim.locked(() -> Optional.ofNullable(live(byKey.get(key(internal, remote))))
                .map(m -> new InetSocketAddress(wan.address(), m.port)));
    }

    /** Live mappings. */
    public int mappingCount() {
        return sim.locked(() -> (int) byPort.values().stream().filter(m -> !expired(m)).count());
    }

    /** Inbound packets refused: no mapping, filtered, or hairpinning disabled. */
    public long droppedInbound() {
        return sim.locked(() -> droppedInbound);
    }

    /** Outbound packets dropped because no external port was free. */
    public long exhausted() {
        return sim.locked(() -> exhausted);
    }

    @Override
    public Packet handleForward(Packet p, Interface in, Interface out) {
        if (in == wan) {
            // an outside host routing to inside addresses through us: a NAT does not do that
            droppedInbound++;
            return null;
        }
        return out == wan ? outbound(p) : p;
    }

    @Override
    public Packet handleIn(Packet p, Interface in) {
        if (in == wan) {
            Mapping m = live(byPort.get(p.dst().getPort()));
            // a port with no mapping may belong to the router's own sockets
            return m == null ? p : inbound(p, m);
        }
        if (!p.dst().getAddress().equals(wan.address())) {
            return p; // to the router's LAN address: its own sockets
        }
        if (!config.hairpinning()) {
            droppedInbound++;
            return null;
        }
        // RFC 4787 REQ-9: the hairpinned packet carries the sender's external mapping as source
        Packet translated = outbound(p);
        if (translated == null) {
            return null;
        }
        Mapping m = live(byPort.get(p.dst().getPort()));
        if (m == null) {
            droppedInbound++;
            return null;
        }
        return inbound(translated, m);
    }

    private Packet outbound(Packet p) {
        Key k = key(p.src(), p.dst());
        Mapping m = live(byKey.get(k));
        long now = sim.nanos();
        if (m == null) {
            int port = allocatePort(p.src().getPort());
            if (port == -1) {
                exhausted++;
                return null;
            }
            m = new Mapping(k, port);
            byKey.put(k, m);
            byPort.put(port, m);
        }
        m.lastActive = now;
        if (m.hosts.size() > PERMISSION_PRUNE_AT) {
            prune(m.hosts.values().iterator(), now);
            prune(m.endpoints.values().iterator(), now);
        }
        m.hosts.put(p.dst().getAddress(), now);
        m.endpoints.put(p.dst(), now);
        return p.withSrc(new InetSocketAddress(wan.address(), m.port));
    }

    private Packet inbound(Packet p, Mapping m) {
        long now = sim.nanos();
        boolean allowed = switch (config.filtering()) {
            case ENDPOINT_INDEPENDENT -> true;
            case ADDRESS_DEPENDENT -> fresh(m.hosts.get(p.src().getAddress()), now);
            case ADDRESS_AND_PORT_DEPENDENT -> fresh(m.endpoints.get(p.src()), now);
        };
        if (!allowed) {
            droppedInbound++;
            return null;
        }
        if (config.inboundRefresh()) {
            m.lastActive = now;
        }
        return p.withDst(m.key.internal());
    }

    private Key key(InetSocketAddress internal, InetSocketAddress remote) {
        return switch (config.mapping()) {
            case ENDPOINT_INDEPENDENT -> new Key(internal, null, -1);
            case ADDRESS_DEPENDENT -> new Key(internal, remote.getAddress(), -1);
            case ADDRESS_AND_PORT_DEPENDENT -> new Key(internal, remote.getAddress(), remote.getPort());
        };
    }

    private int allocatePort(int internalPort) {
        if (config.portPreservation() && internalPort >= FIRST_PORT && live(byPort.get(internalPort)) == null) {
            return internalPort;
        }
        for (int i = 0; i < 64; i++) {
            int p = FIRST_PORT + sim.random().nextInt(PORTS);
            if (live(byPort.get(p)) == null) {
                return p;
            }
        }
        for (int p = FIRST_PORT; p < 65536; p++) {
            if (live(byPort.get(p)) == null) {
                return p;
            }
        }
        return -1;
    }

    /** {@code m} if it is still alive; an expired mapping is removed and null returned. */
    private Mapping live(Mapping m) {
        if (m != null && expired(m)) {
            byKey.remove(m.key, m);
            byPort.remove(m.port, m);
            return null;
        }
        return m;
    }

    private boolean expired(Mapping m) {
        return sim.nanos() - m.lastActive >= config.mappingTimeout().toNanos();
    }

    private boolean fresh(Long seen, long now) {
        return seen != null && now - seen < config.mappingTimeout().toNanos();
    }

    private void prune(Iterator<Long> times, long now) {
        while (times.hasNext()) {
            if (!fresh(times.next(), now)) {
                times.remove();
            }
        }
    }

    @Override
    public String toString() {
        return "Nat(" + config.mapping() + "/" + config.filtering() + " on " + wan + ")";
    }
}
