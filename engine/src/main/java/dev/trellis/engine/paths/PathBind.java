package dev.trellis.engine.paths;

import dev.trellis.engine.conn.Bind;
import dev.trellis.protocol.disco.DiscoCodec;
import dev.trellis.protocol.disco.DiscoException;
import dev.trellis.protocol.disco.DiscoMessage;
import dev.trellis.protocol.disco.NaclBox;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.DiscoPublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.stun.TransactionId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The WireGuard device's bind when peers are reached through relays and NAT traversal (what
 * Tailscale calls magicsock). WireGuard sees each peer at a fixed synthetic endpoint in the
 * discard prefix {@code 100::/64} (RFC 6666), so its endpoint never roams away from the
 * peer's identity; this bind sends to that endpoint over the peer's current path — a trusted
 * direct address, else the peer's home relay — and maps what arrives back to it.
 *
 * <p>The one UDP socket also carries disco packets (handled here, never given to WireGuard)
 * and STUN answers (given to {@link #setStunHandler}). A datagram from an address no disco
 * ping has proven to belong to a peer is dropped and counted: a direct path exists only once
 * disco has authenticated it.
 */
public final class PathBind implements Bind, RelayTransport.Inbound {
    private static final System.Logger LOG = System.getLogger("trellis.paths");
    /** The source a relayed ping is answered with: no address, the pong went through the relay. */
    static final InetSocketAddress RELAYED = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int RELAY_QUEUE = 1024;
    private static final int MAX_PACKET = 65_535;
    private static final int HANDSHAKE_INITIATION_LENGTH = 148;
    /** A stashed initiation older than this is stale: WireGuard has sent a newer one by then. */
    private static final long STASH_MAX_AGE = 5_000_000_000L;

    /** Takes the STUN answers that arrive on the socket; true if the datagram was STUN. */
    @FunctionalInterface
    public interface StunHandler {
        boolean offer(ByteBuffer datagram, InetSocketAddress from);
    }

    /** A pong for {@link #ping}: the path it came over (null = relay), its region, the round trip. */
    public record PingReply(InetSocketAddress direct, int relayRegion, java.time.Duration latency) {}

    private record RelayPacket(InetSocketAddress from, byte[] data) {}

    private final Bind udp;
    private final RelayTransport relays;
    private final DiscoPrivateKey disco;
    private final PathTiming timing;
    private final LongSupplier nanos;
    private final boolean ownTimer;
    private final PathCounters counters = new PathCounters();
    private final Map<NodePublicKey, PeerPath> byKey = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, PeerPath> bySynthetic = new ConcurrentHashMap<>();
    private final Map<DiscoPublicKey, PeerPath> byDisco = new ConcurrentHashMap<>();
    /** Addresses disco proved to be a peer's; only these are trusted as the source of WireGuard packets. */
    private final Map<InetSocketAddress, PeerPath> byAddr = new ConcurrentHashMap<>();
    /**
     * Addresses the netmap says are a peer's, used for WireGuard packets only until disco proves
     * one (a node without relays must still be reachable). An address two peers claim (two LANs
     * using the same private range) is nobody's.
     */
    private volatile Map<InetSocketAddress, PeerPath> claimed = Map.of();
    private final Map<TransactionId, CompletableFuture<PingReply>> pingWaiters = new ConcurrentHashMap<>();
    private final AtomicLong nextSynthetic = new AtomicLong(1);
    private volatile ArrayBlockingQueue<RelayPacket> relayQueue = new ArrayBlockingQueue<>(RELAY_QUEUE);
    private volatile boolean open;
    private volatile NodePublicKey self;
    private volatile List<InetSocketAddress> localEndpoints = List.of();
    private volatile StunHandler stun;
    private volatile SelfNetwork selfNetwork = SelfNetwork.UNKNOWN;
    /**
     * Set when a direct pong says a peer saw us from a port on our public IP that is none of
     * ours: our NAT maps per destination. With one relay, netcheck cannot tell; peers can.
     */
    private volatile boolean observedVaryingMapping;
    private volatile IntConsumer relayDown = r -> {};
    private Thread timer;

    /**
     * @param udp the socket (its receives are filtered here)
     * @param ownTimer whether to run a timer thread; false when the owner calls {@link #tick} (simulations)
     */
    public PathBind(Bind udp, RelayTransport relays, DiscoPrivateKey disco, PathTiming timing, LongSupplier nanos,
            boolean ownTimer) {
        this.udp = Objects.requireNonNull(udp);
        this.relays = Objects.requireNonNull(relays);
        this.disco = Objects.requireNonNull(disco);
        this.timing = Objects.requireNonNull(timing);
        this.nanos = Objects.requireNonNull(nanos);
        this.ownTimer = ownTimer;
        relays.setInbound(this);
    }

    public DiscoPublicKey discoKey() {
        return disco.publicKey();
    }

    public PathCounters counters() {
        return counters;
    }

    public RelayTransport relays() {
        return relays;
    }

    /** This node's key, which its pings carry. */
    public void setSelf(NodePublicKey key) {
        self = key;
    }

    /** Where peers may reach this node (local and STUN-observed addresses), for call-me-maybe. */
    public void setLocalEndpoints(List<InetSocketAddress> endpoints) {
        localEndpoints = List.copyOf(endpoints.subList(0, Math.min(endpoints.size(), DiscoCodec.MAX_ENDPOINTS)));
    }

    public void setStunHandler(StunHandler handler) {
        stun = handler;
    }

    public void setSelfNetwork(SelfNetwork network) {
        selfNetwork = Objects.requireNonNull(network);
    }

    /** Told when a relay connection goes down (its region), e.g. to re-run netcheck. */
    public void onRelayDown(IntConsumer listener) {
        relayDown = Objects.requireNonNull(listener);
    }

    // ---- peers

    /** The peers of the current netmap; others are forgotten. */
    public void setPeers(Collection<PeerInfo> peers) {
        Set<NodePublicKey> keep = new HashSet<>();
        for (PeerInfo info : peers) {
            keep.add(info.key());
            PeerPath p = byKey.computeIfAbsent(info.key(), this::newPeer);
            DiscoPublicKey before = p.disco();
            p.update(info, disco);
            if (!Objects.equals(before, info.disco())) {
                if (before != null) {
                    byDisco.remove(before, p);
                }
                forgetAddresses(p);
            }
            if (info.disco() != null) {
                byDisco.put(info.disco(), p);
            }
        }
        Map<InetSocketAddress, PeerPath> claims = new java.util.HashMap<>();
        Set<InetSocketAddress> ambiguous = new HashSet<>();
        for (PeerInfo info : peers) {
            PeerPath p = byKey.get(info.key());
            for (InetSocketAddress e : info.endpoints()) {
                PeerPath other = claims.putIfAbsent(e, p);
                if (other != null && other != p) {
                    ambiguous.add(e);
                }
            }
        }
        ambiguous.forEach(claims::remove);
        claimed = Map.copyOf(claims);
        for (PeerInfo info : peers) {
            sendStashed(byKey.get(info.key()));
        }
        for (PeerPath p : List.copyOf(byKey.values())) {
            if (!keep.contains(p.key)) {
                byKey.remove(p.key);
                bySynthetic.remove(p.synthetic);
                DiscoPublicKey d = p.disco();
                if (d != null) {
                    byDisco.remove(d, p);
                }
                forgetAddresses(p);
            }
        }
    }

    /** The endpoint WireGuard should use for {@code peer}: a stable synthetic address. */
    public InetSocketAddress endpointFor(NodePublicKey peer) {
        return byKey.computeIfAbsent(peer, this::newPeer).synthetic;
    }

    /** How {@code peer} is reached now; null if it is not a peer. */
    public PathStatus status(NodePublicKey peer) {
        PeerPath p = byKey.get(peer);
        SelfNetwork self = selfNetwork;
        if (observedVaryingMapping && self.mappingVariesByDestIp() == null) {
            self = new SelfNetwork(self.udp(), true);
        }
        return p == null ? null : p.status(nanos.getAsLong(), self);
    }

    /** The network under this node changed: every direct path must prove itself again. */
    public void networkChanged() {
        byKey.values().forEach(PeerPath::networkChanged);
        byAddr.clear();
        observedVaryingMapping = false; // a new network's NAT may behave otherwise
    }

    /**
     * Pings {@code peer} on every path at once (its relay and each candidate address); the
     * future completes with the first pong. The caller bounds the wait.
     */
    public CompletableFuture<PingReply> ping(NodePublicKey peer) {
        PeerPath p = byKey.get(peer);
        CompletableFuture<PingReply> f = new CompletableFuture<>();
        if (p == null || p.box() == null) {
            f.completeExceptionally(new IllegalStateException(p == null ? "not a peer" : "the peer has no disco key"));
            return f;
        }
        long now = nanos.getAsLong();
        // a full round when one is due (so the peer pings back through its NAT), else pings alone
        List<PeerPath.Action> actions = new ArrayList<>(p.wantsDiscovery(now) ? p.discover(now) : p.pingAll(now));
        PeerInfo info = p.info();
        int region = info != null && info.homeRegion() > 0 ? info.homeRegion() : relays.home();
        if (region > 0 && relays.connected(region)) {
            actions.add(p.relayPing(now));
        }
        List<TransactionId> txs = new ArrayList<>();
        for (PeerPath.Action a : actions) {
            if (a instanceof PeerPath.Ping ping) {
                pingWaiters.put(ping.tx(), f);
                txs.add(ping.tx());
            }
        }
        f.whenComplete((r, e) -> txs.forEach(pingWaiters::remove));
        perform(p, actions);
        return f;
    }

    private PeerPath newPeer(NodePublicKey key) {
        long n = nextSynthetic.getAndIncrement();
        byte[] ip = new byte[16];
        ip[0] = 0x01; // 100::/64, the discard-only prefix: nothing is ever sent there
        for (int i = 0; i < 8; i++) {
            ip[15 - i] = (byte) (n >>> (8 * i));
        }
        try {
            InetSocketAddress synthetic = new InetSocketAddress(InetAddress.getByAddress(ip), 1);
            PeerPath p = new PeerPath(key, synthetic, timing);
            p.update(new PeerInfo(key, null, List.of(), 0, null), disco);
            bySynthetic.put(synthetic, p);
            return p;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void forgetAddresses(PeerPath p) {
        byAddr.values().removeIf(q -> q == p);
    }

    // ---- Bind

    @Override
    public int open(int port) throws IOException {
        int bound = udp.open(port);
        relayQueue = new ArrayBlockingQueue<>(RELAY_QUEUE);
        open = true;
        if (ownTimer && timer == null) {
            timer = Thread.ofPlatform().daemon().name("trellis-paths-timer").start(this::runTimer);
        }
        return bound;
    }

    @Override
    public List<Receiver> receivers() {
        ArrayBlockingQueue<RelayPacket> queue = relayQueue;
        return List.of(this::receiveUdp, (bufs, sizes, from) -> receiveRelay(queue, bufs, sizes, from));
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        throw new UnsupportedOperationException("read a PathBind through receivers()");
    }

    @Override
    public int batchSize() {
        return udp.batchSize();
    }

    private int receiveUdp(ByteBuffer[] bufs, int[] sizes, InetSocketAddress[] from) throws IOException {
        int n = udp.receive(bufs, sizes, from);
        long now = -1;
        for (int i = 0; i < n; i++) {
            ByteBuffer b = bufs[i];
            InetSocketAddress src = from[i];
            if (src == null) {
                continue;
            }
            if (sizes[i] >= 4 && b.get(0) >= 1 && b.get(0) <= 4 && b.get(1) == 0 && b.get(2) == 0 && b.get(3) == 0) {
                PeerPath p = byAddr.get(src); // WireGuard: from a proven address, else one the netmap names
                if (p == null) {
                    p = claimed.get(src);
                }
                if (p == null) {
                    counters.unknownSource.increment();
                    from[i] = null;
                } else {
                    counters.receivedDirect.increment();
                    from[i] = p.synthetic;
                }
                continue;
            }
            from[i] = null;
            ByteBuffer view = b.duplicate().clear().limit(sizes[i]);
            if (DiscoCodec.isDisco(view)) {
                if (now < 0) {
                    now = nanos.getAsLong();
                }
                handleDisco(view, src, null, 0, now);
                continue;
            }
            StunHandler h = stun;
            if (h == null || !h.offer(view, src)) {
                counters.unknownSource.increment();
            }
        }
        return n;
    }

    private int receiveRelay(ArrayBlockingQueue<RelayPacket> queue, ByteBuffer[] bufs, int[] sizes,
            InetSocketAddress[] from) throws IOException {
        RelayPacket first = null;
        while (first == null) {
            if (!open || queue != relayQueue) {
                throw new ClosedChannelException();
            }
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
        }
        int n = 0;
        for (RelayPacket pkt = first; pkt != null && n < bufs.length; pkt = n < bufs.length ? queue.poll() : null) {
            if (pkt.data.length > bufs[n].capacity()) {
                counters.oversized.increment();
                continue;
            }
            bufs[n].put(0, pkt.data);
            sizes[n] = pkt.data.length;
            from[n] = pkt.from;
            n++;
        }
        return n;
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress to) throws IOException {
        PeerPath p = bySynthetic.get(to);
        if (p == null) {
            udp.send(src, to);
            return;
        }
        long now = nanos.getAsLong();
        InetSocketAddress direct = p.route(now);
        if (direct != null) {
            counters.sentDirect.increment();
            udp.send(src, direct);
        } else {
            relaySend(p, src);
        }
        if (p.wantsDiscovery(now)) {
            perform(p, p.discover(now));
        }
    }

    @Override
    public void send(ByteBuffer[] bufs, int[] sizes, int count, InetSocketAddress to) throws IOException {
        PeerPath p = bySynthetic.get(to);
        if (p == null) {
            udp.send(bufs, sizes, count, to);
            return;
        }
        long now = nanos.getAsLong();
        InetSocketAddress direct = p.route(now);
        if (direct != null) {
            counters.sentDirect.add(count);
            udp.send(bufs, sizes, count, direct);
        } else {
            for (int i = 0; i < count; i++) {
                relaySend(p, bufs[i].duplicate().clear().limit(sizes[i]));
            }
        }
        if (p.wantsDiscovery(now)) {
            perform(p, p.discover(now));
        }
    }

    /**
     * Sends through the peer's home relay (or ours). With no relay up to send through, the
     * packet goes to each address the netmap names for the peer instead, as plain WireGuard
     * would: without relays, nodes that can reach each other still do.
     */
    private void relaySend(PeerPath p, ByteBuffer packet) {
        PeerInfo info = p.info();
        int region = info != null && info.homeRegion() > 0 ? info.homeRegion() : relays.home();
        if (region > 0 && relays.send(region, p.key, packet.duplicate())) {
            counters.sentRelay.increment();
            return;
        }
        if (packet.remaining() == HANDSHAKE_INITIATION_LENGTH && packet.get(packet.position()) == 1) {
            // WireGuard retries an initiation only after 5 s: keep it, and send it the moment a
            // path appears (the peer's addresses arrive, a relay connects) instead
            byte[] copy = new byte[packet.remaining()];
            packet.get(packet.position(), copy);
            p.stash(copy, nanos.getAsLong());
        }
        if (region > 0) {
            counters.relayDrops.increment();
        } else {
            counters.noRelay.increment();
        }
        if (info != null) {
            for (InetSocketAddress e : info.endpoints()) {
                try {
                    udp.send(packet.duplicate(), e);
                    counters.sentDirect.increment();
                } catch (IOException ex) {
                    counters.sendErrors.increment();
                }
            }
        }
    }

    @Override
    public boolean setMark(int mark) {
        return udp.setMark(mark);
    }

    @Override
    public void close() throws IOException {
        open = false;
        Thread t;
        synchronized (this) {
            t = timer;
            timer = null;
        }
        if (t != null) {
            t.interrupt();
        }
        udp.close();
    }

    /** Closes the relays too: the bind is done for good. */
    public void shutdown() throws IOException {
        close();
        relays.close();
    }

    // ---- relays

    @Override
    public void onRelayPacket(int region, NodePublicKey src, byte[] packet) {
        ByteBuffer view = ByteBuffer.wrap(packet);
        if (DiscoCodec.isDisco(view)) {
            handleDisco(view, null, src, region, nanos.getAsLong());
            return;
        }
        PeerPath p = byKey.get(src);
        if (p == null) {
            counters.unknownRelaySource.increment();
            return;
        }
        if (!open || !relayQueue.offer(new RelayPacket(p.synthetic, packet))) {
            counters.relayQueueFull.increment();
            return;
        }
        counters.receivedRelay.increment();
    }

    @Override
    public void onRelayState(int region, boolean connected) {
        if (!connected) {
            relayDown.accept(region);
            return;
        }
        byKey.values().forEach(this::sendStashed);
    }

    /** Sends a stashed initiation once the peer has some path: addresses, or a relay that is up. */
    private void sendStashed(PeerPath p) {
        if (p == null) {
            return;
        }
        PeerInfo info = p.info();
        int region = info != null && info.homeRegion() > 0 ? info.homeRegion() : relays.home();
        boolean somePath = (info != null && !info.endpoints().isEmpty()) || (region > 0 && relays.connected(region));
        if (!somePath) {
            return;
        }
        byte[] initiation = p.takeStashed(nanos.getAsLong(), STASH_MAX_AGE);
        if (initiation != null) {
            relaySend(p, ByteBuffer.wrap(initiation));
        }
    }

    // ---- disco

    /** One disco packet, from {@code src} directly or (src null) from {@code relaySrc} through {@code region}. */
    private void handleDisco(ByteBuffer packet, InetSocketAddress src, NodePublicKey relaySrc, int region, long now) {
        counters.discoReceived.increment();
        DiscoMessage m;
        PeerPath p;
        try {
            p = byDisco.get(DiscoCodec.sender(packet));
            if (p == null || (relaySrc != null && !relaySrc.equals(p.key))) {
                counters.discoUnknownSender.increment();
                return;
            }
            NaclBox.SharedKey box = p.box();
            if (box == null) {
                counters.discoUnknownSender.increment();
                return;
            }
            m = DiscoCodec.decode(packet, box);
        } catch (DiscoException | RuntimeException e) {
            counters.discoBad.increment();
            return;
        }
        switch (m) {
            case DiscoMessage.Ping ping -> {
                if (!ping.nodeKey().equals(p.key)) {
                    counters.discoBad.increment();
                    return;
                }
                if (src != null) {
                    byAddr.put(src, p);
                }
                sendDisco(p, new DiscoMessage.Pong(ping.txId(), src != null ? src : RELAYED), src);
                perform(p, p.onPing(src, now));
            }
            case DiscoMessage.Pong pong -> {
                PeerPath.PongResult r = p.onPong(pong.txId(), now);
                if (r == null) {
                    return;
                }
                if (r.via() != null) {
                    byAddr.put(r.via(), p);
                    noteObserved(pong.src());
                    if (r.changed() && LOG.isLoggable(System.Logger.Level.INFO)) {
                        LOG.log(System.Logger.Level.INFO, "path to " + p.key.shortString() + ": direct via " + r.via()
                                + " (" + r.latency().toNanos() / 1000 + " µs)");
                    }
                }
                CompletableFuture<PingReply> waiter = pingWaiters.remove(pong.txId());
                if (waiter != null) {
                    waiter.complete(new PingReply(r.via(), r.via() == null ? region : 0, r.latency()));
                }
            }
            case DiscoMessage.CallMeMaybe cmm -> {
                if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                    LOG.log(System.Logger.Level.DEBUG, "call-me-maybe from " + p.key.shortString() + " "
                            + (src == null ? "via relay " + region : "from " + src) + ": " + cmm.endpoints());
                }
                perform(p, p.onCallMeMaybe(cmm.endpoints(), now));
            }
        }
    }

    /** Where a peer saw us: a port on one of our public IPs that none of our endpoints has means a varying mapping. */
    private void noteObserved(InetSocketAddress seen) {
        boolean ipIsOurs = false;
        for (InetSocketAddress e : localEndpoints) {
            if (e.equals(seen)) {
                return;
            }
            ipIsOurs |= e.getAddress().equals(seen.getAddress());
        }
        if (ipIsOurs) {
            observedVaryingMapping = true;
        }
    }

    private void perform(PeerPath p, List<PeerPath.Action> actions) {
        for (PeerPath.Action a : actions) {
            switch (a) {
                case PeerPath.Ping ping -> {
                    NodePublicKey me = self;
                    if (me != null) {
                        sendDisco(p, new DiscoMessage.Ping(ping.tx(), me), ping.to());
                    }
                }
                case PeerPath.CallMeMaybe c -> {
                    List<InetSocketAddress> mine = localEndpoints;
                    if (!mine.isEmpty()) {
                        sendDisco(p, new DiscoMessage.CallMeMaybe(mine), null);
                    }
                }
            }
        }
    }

    /** Seals {@code m} for {@code p} and sends it to {@code to}, or through the relay when null. */
    private void sendDisco(PeerPath p, DiscoMessage m, InetSocketAddress to) {
        NaclBox.SharedKey box = p.box();
        if (box == null) {
            return;
        }
        byte[] packet = DiscoCodec.encode(m, disco.publicKey(), box);
        counters.discoSent.increment();
        if (to == null) {
            relaySend(p, ByteBuffer.wrap(packet));
            return;
        }
        try {
            udp.send(ByteBuffer.wrap(packet), to);
        } catch (IOException e) {
            counters.sendErrors.increment(); // unreachable networks are normal while probing
        }
    }

    /** Runs the peers' timers once. */
    public void tick() {
        long now = nanos.getAsLong();
        for (PeerPath p : byKey.values()) {
            perform(p, p.tick(now));
        }
    }

    private void runTimer() {
        long period = timing.tick().toNanos();
        while (open && !Thread.currentThread().isInterrupted()) {
            try {
                TimeUnit.NANOSECONDS.sleep(period); // a periodic timer, not a wait for a condition
                tick();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "path timer failed", e);
            }
        }
    }

    /** Peers by key → synthetic endpoint, for diagnostics. */
    public Map<NodePublicKey, InetSocketAddress> endpoints() {
        Map<NodePublicKey, InetSocketAddress> m = new LinkedHashMap<>();
        byKey.forEach((k, p) -> m.put(k, p.synthetic));
        return m;
    }

    static int maxPacket() {
        return MAX_PACKET;
    }
}
