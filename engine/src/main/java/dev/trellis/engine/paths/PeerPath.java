package dev.trellis.engine.paths;

import dev.trellis.protocol.disco.NaclBox;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.DiscoPublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.stun.TransactionId;
import java.net.InetSocketAddress;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One peer's paths and the disco state machine that picks among them. Pure: it is told the
 * time and what arrived, and answers with the pings to send; {@link PathBind} does the I/O.
 *
 * <p>A peer is reached through its home relay until a ping to one of its addresses gets a
 * pong. That address is then trusted for {@link PathTiming#trustUdp()} after each pong, and
 * heartbeats renew the trust while traffic flows; when pongs stop, traffic falls back to the
 * relay at once and discovery starts again. Every method is synchronized: the data path, the
 * timer and the disco receive path all call in.
 */
final class PeerPath {
    static final int MAX_CANDIDATES = 32;
    static final int MAX_PENDING = 64;
    /** A new address must be this much faster (as a fraction of the old latency) to replace the best one. */
    private static final double SWITCH_FACTOR = 0.9;

    /** What the bind should send. */
    sealed interface Action {}

    /** A disco ping to {@code to} directly, or through the relay when {@code to} is null. */
    record Ping(TransactionId tx, InetSocketAddress to) implements Action {}

    /** A call-me-maybe through the relay, listing this node's endpoints. */
    record CallMeMaybe() implements Action {}

    /**
     * What a pong told: the path it came over (null address = relay), the round trip, whether
     * that path is now the one in use, and whether it just became so (it was not before).
     */
    record PongResult(InetSocketAddress via, Duration latency, boolean nowDirect, boolean changed) {}

    private record Sent(InetSocketAddress to, long at) {}

    private static final class Candidate {
        boolean advertised;
        long lastPingBack = Long.MIN_VALUE / 2;
        long lastPong = Long.MIN_VALUE / 2;
        long pingsUnanswered;
    }

    final NodePublicKey key;
    final InetSocketAddress synthetic;
    private final PathTiming timing;
    private PeerInfo info;
    private NaclBox.SharedKey box;
    private final LinkedHashMap<InetSocketAddress, Candidate> candidates = new LinkedHashMap<>();
    private final LinkedHashMap<TransactionId, Sent> pending = new LinkedHashMap<>();
    private InetSocketAddress best;
    private long bestLatency;
    private long trustUntil = Long.MIN_VALUE / 2;
    private long lastSend = Long.MIN_VALUE / 2;
    private long lastFullPing = Long.MIN_VALUE / 2;
    private long lastHeartbeat = Long.MIN_VALUE / 2;
    /** Direct pings that timed out since the last direct pong. */
    private long unanswered;

    /** A handshake initiation that had nowhere to go, kept to send once a path appears. */
    private byte[] stashed;
    private long stashedAt;

    PeerPath(NodePublicKey key, InetSocketAddress synthetic, PathTiming timing) {
        this.key = Objects.requireNonNull(key);
        this.synthetic = synthetic;
        this.timing = timing;
    }

    /**
     * New netmap facts. A changed disco key means the peer restarted: what was learned about
     * its paths is forgotten.
     */
    synchronized void update(PeerInfo next, DiscoPrivateKey mine) {
        DiscoPublicKey before = info == null ? null : info.disco();
        info = next;
        if (!Objects.equals(before, next.disco())) {
            box = null;
            if (next.disco() != null) {
                try {
                    box = NaclBox.SharedKey.derive(next.disco(), mine);
                } catch (InvalidKeyException e) {
                    box = null; // a low-order key: this peer is reachable through relays only
                }
            }
            candidates.clear();
            pending.clear();
            best = null;
            lastFullPing = Long.MIN_VALUE / 2;
        }
        candidates.values().forEach(c -> c.advertised = false);
        for (InetSocketAddress e : next.endpoints()) {
            if (candidates.size() >= MAX_CANDIDATES && !candidates.containsKey(e)) {
                break;
            }
            candidates.computeIfAbsent(e, a -> new Candidate()).advertised = true;
        }
    }

    synchronized PeerInfo info() {
        return info;
    }

    synchronized NaclBox.SharedKey box() {
        return box;
    }

    synchronized DiscoPublicKey disco() {
        return info == null ? null : info.disco();
    }

    /** Keeps {@code initiation} (the latest one wins) until {@link #takeStashed}. */
    synchronized void stash(byte[] initiation, long now) {
        stashed = initiation;
        stashedAt = now;
    }

    /** The stashed initiation if younger than {@code maxAge}; it is given out once. */
    synchronized byte[] takeStashed(long now, long maxAge) {
        byte[] s = stashed;
        stashed = null;
        return s != null && now - stashedAt < maxAge ? s : null;
    }

    /** The direct address to send to now, or null for the relay; notes the traffic. */
    synchronized InetSocketAddress route(long now) {
        lastSend = now;
        return trusted(now) ? best : null;
    }

    /** Whether a send now should start a discovery round (checked after {@link #route}). */
    synchronized boolean wantsDiscovery(long now) {
        if (box == null) {
            return false;
        }
        long interval = (trusted(now) ? timing.upgradeInterval() : timing.discoveryInterval()).toNanos();
        return now - lastFullPing >= interval;
    }

    /** A full round: a ping to every candidate, and a call-me-maybe through the relay. */
    synchronized List<Action> discover(long now) {
        List<Action> out = new ArrayList<>();
        if (box == null) {
            return out;
        }
        lastFullPing = now;
        for (InetSocketAddress a : candidates.keySet()) {
            out.add(ping(a, now));
        }
        out.add(new CallMeMaybe());
        return out;
    }

    /** Timers: expires pings, falls back when trust lapses, heartbeats and re-discovers while active. */
    synchronized List<Action> tick(long now) {
        List<Action> out = new ArrayList<>();
        long timeout = timing.pingTimeout().toNanos();
        for (Iterator<Map.Entry<TransactionId, Sent>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TransactionId, Sent> e = it.next();
            if (now - e.getValue().at >= timeout) {
                Candidate c = e.getValue().to == null ? null : candidates.get(e.getValue().to);
                if (c != null) {
                    c.pingsUnanswered++;
                }
                if (e.getValue().to != null) {
                    unanswered++;
                }
                it.remove();
            }
        }
        if (box == null || !active(now)) {
            return out;
        }
        if (best != null && trusted(now) && now - lastHeartbeat >= timing.heartbeat().toNanos()) {
            lastHeartbeat = now;
            out.add(ping(best, now));
        }
        if (wantsDiscovery(now)) {
            out.addAll(discover(now));
        }
        return out;
    }

    /**
     * A ping from the peer arrived, directly from {@code src} or (null) through a relay. A direct
     * one makes {@code src} a candidate and, while no direct path is trusted, is answered with a
     * ping back: that second ping, crossing the hole the peer's ping just opened, is what
     * completes a hole punch without waiting for the next round.
     */
    synchronized List<Action> onPing(InetSocketAddress src, long now) {
        List<Action> out = new ArrayList<>();
        if (src == null || box == null) {
            return out;
        }
        Candidate c = learn(src);
        if (c != null && !trusted(now) && now - c.lastPingBack >= timing.pingBackInterval().toNanos()) {
            c.lastPingBack = now;
            out.add(ping(src, now));
        }
        return out;
    }

    /** A pong; null if it answers no ping of ours (late, or forged). */
    synchronized PongResult onPong(TransactionId tx, long now) {
        Sent s = pending.remove(tx);
        if (s == null) {
            return null;
        }
        long latency = Math.max(0, now - s.at);
        if (s.to == null) {
            return new PongResult(null, Duration.ofNanos(latency), false, false);
        }
        unanswered = 0;
        Candidate c = learn(s.to);
        if (c != null) {
            c.lastPong = now;
            c.pingsUnanswered = 0;
        }
        boolean switchTo = best == null || !trusted(now) || best.equals(s.to)
                || latency < bestLatency * SWITCH_FACTOR;
        boolean changed = switchTo && (!trusted(now) || !s.to.equals(best));
        if (switchTo) {
            best = s.to;
            bestLatency = latency;
            trustUntil = now + timing.trustUdp().toNanos();
        }
        return new PongResult(s.to, Duration.ofNanos(latency), switchTo, changed);
    }

    /**
     * The peer asks to be pinged at {@code endpoints}: it is trying to reach us, perhaps from a
     * new network. If the address in use is not among them, the peer has moved: fall back to the
     * relay now rather than send into the void until trust lapses.
     */
    synchronized List<Action> onCallMeMaybe(List<InetSocketAddress> endpoints, long now) {
        List<Action> out = new ArrayList<>();
        if (box == null) {
            return out;
        }
        if (best != null && !endpoints.contains(best)) {
            best = null;
        }
        for (InetSocketAddress e : endpoints) {
            if (learn(e) != null) {
                out.add(ping(e, now));
            }
        }
        return out;
    }

    /** This node's network changed: no direct path can be trusted until a pong proves it again. */
    synchronized void networkChanged() {
        best = null;
        lastFullPing = Long.MIN_VALUE / 2;
        pending.clear();
    }

    /** A ping through the relay, for measuring it ({@code trellis ping}). */
    synchronized Ping relayPing(long now) {
        return ping(null, now);
    }

    /** Pings to every candidate now, regardless of rounds ({@code trellis ping}). */
    synchronized List<Action> pingAll(long now) {
        List<Action> out = new ArrayList<>();
        if (box != null) {
            for (InetSocketAddress a : candidates.keySet()) {
                out.add(ping(a, now));
            }
        }
        return out;
    }

    synchronized PathStatus status(long now, SelfNetwork self) {
        boolean direct = trusted(now);
        int region = info == null ? 0 : info.homeRegion();
        Duration latency = direct ? Duration.ofNanos(bestLatency) : null;
        String why = direct ? null : WhyRelayed.explain(self, info, box != null, active(now), candidates.size(),
                unanswered);
        return new PathStatus(direct ? best : null, region, latency, active(now), why, candidates.size());
    }

    private boolean trusted(long now) {
        return best != null && now < trustUntil;
    }

    private boolean active(long now) {
        return now - lastSend < timing.sessionActive().toNanos();
    }

    private Ping ping(InetSocketAddress to, long now) {
        TransactionId tx = TransactionId.random();
        if (pending.size() >= MAX_PENDING) {
            Iterator<TransactionId> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        pending.put(tx, new Sent(to, now));
        return new Ping(tx, to);
    }

    /** The candidate for {@code a}, added if there is room (learned ones make room by age). */
    private Candidate learn(InetSocketAddress a) {
        Candidate c = candidates.get(a);
        if (c != null) {
            return c;
        }
        if (candidates.size() >= MAX_CANDIDATES) {
            InetSocketAddress evict = null;
            for (Map.Entry<InetSocketAddress, Candidate> e : candidates.entrySet()) {
                if (!e.getValue().advertised && !e.getKey().equals(best)) {
                    evict = e.getKey();
                    break;
                }
            }
            if (evict == null) {
                return null;
            }
            candidates.remove(evict);
        }
        c = new Candidate();
        candidates.put(a, c);
        return c;
    }
}
