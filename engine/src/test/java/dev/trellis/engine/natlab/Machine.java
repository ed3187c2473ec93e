package dev.trellis.engine.natlab;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated computer: interfaces on networks, a default route, a UDP stack of
 * {@link SimBind}s, and optionally a {@link PacketHandler} (its NAT or firewall). Only a machine
 * with forwarding on routes packets that are not addressed to it.
 */
public final class Machine {
    static final int EPHEMERAL_FIRST = 49152;
    static final int EPHEMERAL_LAST = 65535;

    private final Sim sim;
    private final String name;
    private final List<Interface> interfaces = new ArrayList<>();
    private final Map<Integer, SimBind> ports = new HashMap<>();
    private Interface defaultRoute;
    private PacketHandler handler;
    private boolean forwarding;
    private int nextEphemeral = EPHEMERAL_FIRST;
    private long dropped;

    Machine(Sim sim, String name) {
        this.sim = sim;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Sim sim() {
        return sim;
    }

    /** Adds an interface on {@code net}; the first one becomes the default route. */
    public Interface attach(Network net, String address) {
        InetAddress a;
        try {
            a = InetAddress.getByAddress(dev.trellis.protocol.net.IpPrefix.parseNumericAddress(address));
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a numeric IP address: " + address, e);
        }
        Interface i = new Interface(this, net, a);
        sim.locked(() -> {
            net.join(i);
            interfaces.add(i);
            if (defaultRoute == null) {
                defaultRoute = i;
            }
        });
        return i;
    }

    public List<Interface> interfaces() {
        return sim.locked(() -> List.copyOf(interfaces));
    }

    public void setDefaultRoute(Interface i) {
        if (i.machine() != this) {
            throw new IllegalArgumentException(i + " does not belong to " + name);
        }
        sim.locked(() -> defaultRoute = i);
    }

    public void setHandler(PacketHandler h) {
        sim.locked(() -> handler = h);
    }

    public void setForwarding(boolean on) {
        sim.locked(() -> forwarding = on);
    }

    /** Packets this machine dropped: no socket on the port, no route, handler said no, TTL. */
    public long dropped() {
        return sim.locked(() -> dropped);
    }

    /** The address of the default-route interface (where this machine's packets come from). */
    public InetAddress address() {
        return sim.locked(() -> {
            if (defaultRoute == null) {
                throw new IllegalStateException(name + " has no interfaces");
            }
            return defaultRoute.address();
        });
    }

    /** A new, unopened UDP socket on this machine. */
    public SimBind bind() {
        return new SimBind(this);
    }

    /** Claims {@code port} (0 = next free ephemeral port) for {@code b}. Lock held. */
    int claimPort(int port, SimBind b) throws BindException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (port == 0) {
            for (int n = 0; n <= EPHEMERAL_LAST - EPHEMERAL_FIRST; n++) {
                int p = nextEphemeral;
                nextEphemeral = p == EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
                if (!ports.containsKey(p)) {
                    ports.put(p, b);
                    return p;
                }
            }
            throw new BindException(name + ": no free ephemeral UDP port");
        }
        if (ports.putIfAbsent(port, b) != null) {
            throw new BindException(name + ": UDP port " + port + " is already in use");
        }
        return port;
    }

    void releasePort(int port, SimBind b) {
        ports.remove(port, b);
    }

    /** Sends a datagram from a local socket. */
    void sendLocal(int srcPort, byte[] data, InetSocketAddress to) throws IOException {
        if (to.isUnresolved()) {
            throw new IOException("unresolved destination " + to + ": natlab has no DNS");
        }
        lock();
        try {
            Interface out = route(to.getAddress());
            if (out == null) {
                throw new NoRouteToHostException(name + ": no route to " + to.getAddress().getHostAddress());
            }
            Packet p = new Packet(new InetSocketAddress(out.address(), srcPort), to, data);
            if (isLocal(to.getAddress())) {
                // loopback to one of our own addresses never touches a network
                Packet fin = p;
                sim.schedule(0, () -> deliverLocal(fin));
                return;
            }
            if (handler != null && (p = handler.handleOut(p, out)) == null) {
                dropped++;
                return;
            }
            out.network().transmit(p, out);
        } finally {
            unlock();
        }
    }

    private void lock() {
        // Machine state shares the sim's lock; see Sim's invariant.
        sim.lockForMachine();
    }

    private void unlock() {
        sim.unlockForMachine();
    }

    /** A packet arrived on {@code in}. Lock held. */
    void receive(Packet p, Interface in) {
        if (isLocal(p.dst().getAddress())) {
            if (handler != null && (p = handler.handleIn(p, in)) == null) {
                dropped++;
                return;
            }
            if (isLocal(p.dst().getAddress())) {
                deliverLocal(p);
            } else {
                forward(p, in, false);
            }
        } else if (forwarding) {
            forward(p, in, true);
        } else {
            dropped++;
        }
    }

    private void forward(Packet p, Interface in, boolean callHandler) {
        Interface out = route(p.dst().getAddress());
        if (out == null || p.ttl() <= 1) {
            dropped++;
            return;
        }
        if (callHandler && handler != null && (p = handler.handleForward(p, in, out)) == null) {
            dropped++;
            return;
        }
        out.network().transmit(p.withTtl(p.ttl() - 1), out);
    }

    private void deliverLocal(Packet p) {
        SimBind b = ports.get(p.dst().getPort());
        if (b == null || !b.deliver(p)) {
            dropped++;
        }
    }

    /** The interface on the destination's network, else the default route. */
    private Interface route(InetAddress dst) {
        for (Interface i : interfaces) {
            if (i.network().contains(dst)) {
                return i;
            }
        }
        return defaultRoute;
    }

    private boolean isLocal(InetAddress a) {
        for (Interface i : interfaces) {
            if (i.address().equals(a)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
