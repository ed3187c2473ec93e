package dev.trellis.engine.natlab;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A stateful UDP firewall, on a host or on a router: traffic going towards {@code outside} is
 * allowed and remembered as a flow; traffic coming from {@code outside} is allowed only as a
 * reply to a flow seen within the session timeout (from exactly the IP:port that was sent to).
 * In drop-all-UDP mode nothing crosses, as on networks that only let TCP out.
 */
public final class Firewall implements PacketHandler {
    /** Flows remembered before the expired ones are pruned; new flows are refused when still full. */
    static final int MAX_FLOWS = 65_536;

    private record Flow(InetSocketAddress inside, InetSocketAddress remote) {}

    private final Sim sim;
    private final Network outside;
    private final Duration sessionTimeout;
    private final Map<Flow, Long> flows = new HashMap<>();
    private boolean dropAllUdp;
    private long dropped;

    public Firewall(Sim sim, Network outside, Duration sessionTimeout) {
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("session timeout must be positive: " + sessionTimeout);
        }
        this.sim = sim;
        this.outside = outside;
        this.sessionTimeout = sessionTimeout;
    }

    public void setDropAllUdp(boolean on) {
        sim.locked(() -> dropAllUdp = on);
    }

    /** Packets refused in either direction. */
    public long dropped() {
        return sim.locked(() -> dropped);
    }

    @Override
    public Packet handleOut(Packet p, Interface out) {
        return out.network() == outside ? allowOut(p) : p;
    }

    @Override
    public Packet handleIn(Packet p, Interface in) {
        return in.network() == outside ? checkIn(p) : p;
    }

    @Override
    public Packet handleForward(Packet p, Interface in, Interface out) {
        if (in.network() == outside) {
            return checkIn(p);
        }
        return out.network() == outside ? allowOut(p) : p;
    }

    private Packet allowOut(Packet p) {
        if (dropAllUdp) {
            dropped++;
            return null;
        }
        long now = sim.nanos();
        Flow f = new Flow(p.src(), p.dst());
        if (flows.size() >= MAX_FLOWS && !flows.containsKey(f)) {
            flows.values().removeIf(t -> now - t >= sessionTimeout.toNanos());
            if (flows.size() >= MAX_FLOWS) {
                dropped++;
                return null;
            }
        }
        flows.put(f, now);
        return p;
    }

    private Packet checkIn(Packet p) {
        Long seen = dropAllUdp ? null : flows.get(new Flow(p.dst(), p.src()));
        if (seen == null || sim.nanos() - seen >= sessionTimeout.toNanos()) {
            dropped++;
            return null;
        }
        return p;
    }
}
