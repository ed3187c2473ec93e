package dev.trellis.engine.wg;

import dev.trellis.engine.conn.Bind;
import dev.trellis.protocol.crypto.X25519;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.tun.TunDevice;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A WireGuard interface: a TUN device, a UDP bind and a set of peers (wireguard-go's Device).
 * It owns the threads of the data path; configuration arrives as whole {@link DeviceUpdate}s.
 *
 * <p>Threads: one TUN reader, one UDP reader per bind, one handshake worker, one timer thread,
 * and one crypto worker per core.
 */
public final class Device implements Configurable, AutoCloseable {
    /** Largest inner packet plus headroom, padding and tag; covers jumbo frames. */
    static final int BUFFER_SIZE = 9216 + 64;
    private static final long TICK_NANOS = 20_000_000L;

    private final String name;
    private final TunDevice tun;
    private final Bind bind;
    private final Clock clock;
    private final WgConstants constants;
    private final System.Logger log;
    private final Map<NodePublicKey, Peer> peers = new ConcurrentHashMap<>();
    private final AllowedIps<Peer> allowedIps = new AllowedIps<>();
    private final IndexTable indexes = new IndexTable();
    private final CookieChecker cookieChecker = new CookieChecker();
    private final ElementPool pool = new ElementPool(2048, BUFFER_SIZE);
    private final Counters counters = new Counters();
    private final Outbound outbound = new Outbound(this);
    private final Inbound inbound = new Inbound(this);
    private final CryptoWorkers crypto = new CryptoWorkers(this, 4096);
    private final HandshakeWorker handshakes = new HandshakeWorker(this);
    private final Object configLock = new Object();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private volatile Noise.Identity identity;
    private volatile NodePrivateKey privateKey;
    private volatile int listenPort;
    private volatile int fwmark;
    private volatile int mtu = 1420;
    private volatile boolean running;
    private volatile Throwable failure;
    private List<Thread> udpThreads = List.of();
    private final List<Thread> threads = new ArrayList<>();

    public Device(String name, TunDevice tun, Bind bind, Clock clock, WgConstants constants) {
        this.name = name;
        this.tun = tun;
        this.bind = bind;
        this.clock = clock;
        this.constants = constants;
        this.log = System.getLogger("trellis.wg." + name);
    }

    /** Binds a random port and starts the data path. */
    public void start() throws IOException {
        synchronized (configLock) {
            running = true;
            refreshMtu();
            listenPort = bind.open(0);
            udpThreads = startUdpReaders();
            crypto.start(Math.max(1, Runtime.getRuntime().availableProcessors()), name);
            handshakes.start(name);
            threads.add(thread("tun").start(outbound::readTun));
            threads.add(thread("timers").start(this::runTimers));
        }
        log.log(Level.INFO, "interface " + name + " up, listening on UDP port " + listenPort);
    }

    /** A thread per receive source of the bind: its socket, and its relays if it has any. */
    private List<Thread> startUdpReaders() {
        List<Thread> started = new ArrayList<>();
        List<Bind.Receiver> sources = bind.receivers();
        for (int i = 0; i < sources.size(); i++) {
            Bind.Receiver source = sources.get(i);
            started.add(thread(i == 0 ? "udp" : "udp" + i).start(() -> inbound.readUdp(source, bind.batchSize())));
        }
        return List.copyOf(started);
    }

    /**
     * A data-path thread. A bug that escapes one must not leave a half-working device whose
     * traffic silently stops: the device logs it and closes, and its owner sees why.
     */
    Thread.Builder.OfPlatform thread(String role) {
        return Thread.ofPlatform().daemon().name(name + "-" + role).uncaughtExceptionHandler((t, e) -> {
            log.log(Level.ERROR, "internal error in thread " + t.getName() + ", closing " + name, e);
            fail(e);
        });
    }

    private void refreshMtu() {
        try {
            int m = tun.mtu();
            if (m > 0) {
                mtu = Math.min(m, BUFFER_SIZE - 64);
            }
        } catch (IOException | RuntimeException e) {
            // keep the last known MTU
        }
    }

    private void runTimers() {
        long lastMtu = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(TICK_NANOS / 1_000_000L);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Peer p : peers.values()) {
                try {
                    p.timers.tick(now);
                } catch (RuntimeException e) {
                    log.log(Level.WARNING, "timer of " + p.publicKey.shortString() + " failed", e);
                }
            }
            if (now - lastMtu > 1_000_000_000L) {
                lastMtu = now;
                refreshMtu();
            }
        }
    }

    /** Sends one datagram; counts it for {@code peer} if given. False if it could not be sent. */
    boolean sendRaw(ByteBuffer b, InetSocketAddress to, Peer peer) {
        int len = b.remaining();
        try {
            bind.send(b, to);
            if (peer != null) {
                peer.txBytes.add(len);
            }
            return true;
        } catch (IOException e) {
            counters.sendErrors.increment();
            return false;
        }
    }

    /** Sends a batch to one endpoint; counts it for {@code peer}. False if it failed. */
    boolean sendBatch(ByteBuffer[] bufs, int[] sizes, int count, InetSocketAddress to, Peer peer) {
        try {
            bind.send(bufs, sizes, count, to);
            long total = 0;
            for (int i = 0; i < count; i++) {
                total += sizes[i];
            }
            peer.txBytes.add(total);
            return true;
        } catch (IOException e) {
            counters.sendErrors.increment();
            return false;
        }
    }

    void fail(Throwable t) {
        failure = t;
        close();
    }

    /** Blocks until the device is closed; returns the failure that closed it, if any. */
    public Optional<Throwable> awaitClosed() throws InterruptedException {
        stopped.await();
        return Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        synchronized (configLock) {
            if (!running) {
                stopped.countDown();
                return;
            }
            running = false;
        }
        try {
            tun.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            bind.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        crypto.stop();
        handshakes.stop();
        threads.forEach(Thread::interrupt);
        for (Peer p : peers.values()) {
            p.removed = true;
            p.timers.stopAll();
            p.zeroKeyMaterial();
        }
        stopped.countDown();
        log.log(Level.INFO, "interface " + name + " closed");
    }

    // ---- configuration ----

    @Override
    public DeviceStatus status() {
        synchronized (configLock) {
            List<PeerStatus> list = new ArrayList<>();
            for (Peer p : peers.values()) {
                list.add(new PeerStatus(p.publicKey, p.presharedKey(), Optional.ofNullable(p.endpoint),
                        p.persistentKeepaliveSeconds, allowedIps.prefixesOf(p), Optional.ofNullable(p.lastHandshake()),
                        p.rxBytes.sum(), p.txBytes.sum()));
            }
            return new DeviceStatus(Optional.ofNullable(privateKey), listenPort, fwmark, list);
        }
    }

    @Override
    public void apply(DeviceUpdate u) throws ConfigException {
        synchronized (configLock) {
            if (u.privateKey().isPresent()) {
                setPrivateKey(u.privateKey().get());
            }
            if (u.listenPort().isPresent()) {
                setListenPort(u.listenPort().getAsInt());
            }
            if (u.fwmark().isPresent()) {
                int mark = u.fwmark().getAsInt();
                if (!bind.setMark(mark)) {
                    throw new ConfigException(ConfigException.EINVAL, "fwmark is not supported on this platform");
                }
                fwmark = mark;
            }
            if (u.replacePeers()) {
                for (Peer p : List.copyOf(peers.values())) {
                    removePeer(p);
                }
            }
            for (PeerUpdate pu : u.peers()) {
                applyPeer(pu);
            }
        }
    }

    private void setPrivateKey(NodePrivateKey key) {
        NodePrivateKey newKey = key.isZero() ? null : key;
        if (java.util.Objects.equals(newKey, privateKey)) {
            return;
        }
        privateKey = newKey;
        Noise.Identity id = newKey == null ? null : Noise.Identity.of(newKey.toBytes());
        identity = id;
        cookieChecker.init(id);
        if (newKey != null) {
            Peer self = peers.get(newKey.publicKey());
            if (self != null) {
                removePeer(self); // a peer with our own public key can never handshake
            }
        }
        for (Peer p : peers.values()) {
            precompute(p);
            expireCurrentKeypairs(p);
        }
    }

    private void precompute(Peer p) {
        Noise.Identity id = identity;
        byte[] ss = null;
        if (id != null) {
            try {
                ss = X25519.dh(id.privateKey(), p.handshake.remoteStaticBytes);
            } catch (GeneralSecurityException e) {
                ss = null; // low-order public key: this peer can never complete a handshake
            }
        }
        synchronized (p.handshake) {
            p.handshake.precomputedStaticStatic = ss;
        }
    }

    private void expireCurrentKeypairs(Peer p) {
        synchronized (p.handshake) {
            p.handshake.sentAnyInitiation = false;
        }
        Keypair k = p.current;
        if (k != null) {
            k.sendCounter.set(WgConstants.REJECT_AFTER_MESSAGES);
        }
        k = p.next;
        if (k != null) {
            k.sendCounter.set(WgConstants.REJECT_AFTER_MESSAGES);
        }
    }

    private void setListenPort(int port) throws ConfigException {
        if (port < 0 || port > 65535) {
            throw new ConfigException(ConfigException.EINVAL, "listen port out of range: " + port);
        }
        if (port == listenPort && port != 0) {
            return;
        }
        if (!running) {
            listenPort = port;
            return;
        }
        try {
            bind.close();
            for (Thread t : udpThreads) {
                t.join(2000);
            }
            try {
                listenPort = bind.open(port);
            } catch (BindException e) {
                listenPort = bind.open(0);
                udpThreads = startUdpReaders();
                throw new ConfigException(ConfigException.EADDRINUSE, "UDP port " + port + " is in use", e);
            }
            if (fwmark != 0) {
                bind.setMark(fwmark);
            }
            udpThreads = startUdpReaders();
        } catch (IOException e) {
            throw new ConfigException(ConfigException.EIO, "cannot bind UDP port " + port + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(ConfigException.EIO, "interrupted while rebinding");
        }
    }

    private void applyPeer(PeerUpdate pu) throws ConfigException {
        Peer p = peers.get(pu.publicKey());
        if (pu.remove()) {
            if (p != null) {
                removePeer(p);
            }
            return;
        }
        if (p == null) {
            if (pu.updateOnly()) {
                return;
            }
            NodePrivateKey own = privateKey;
            if (own != null && own.publicKey().equals(pu.publicKey())) {
                return; // wireguard-go silently ignores a peer with our own key
            }
            p = new Peer(this, pu.publicKey());
            precompute(p);
            peers.put(pu.publicKey(), p);
        }
        Peer peer = p;
        pu.presharedKey().ifPresent(psk -> peer.setPresharedKey(psk.isZero() ? PresharedKey.NONE : psk));
        pu.endpoint().ifPresent(ep -> peer.endpoint = ep);
        if (pu.persistentKeepalive().isPresent()) {
            int secs = pu.persistentKeepalive().getAsInt();
            if (secs < 0 || secs > 65535) {
                throw new ConfigException(ConfigException.EINVAL, "persistent keepalive out of range: " + secs);
            }
            int old = peer.persistentKeepaliveSeconds;
            peer.persistentKeepaliveSeconds = secs;
            if (old == 0 && secs > 0 && running) {
                peer.sendKeepalive();
            }
        }
        if (pu.replaceAllowedIps() || !pu.allowedIps().isEmpty()) {
            allowedIps.update(peer, pu.replaceAllowedIps(), pu.allowedIps());
        }
    }

    private void removePeer(Peer p) {
        peers.remove(p.publicKey, p);
        p.removed = true;
        allowedIps.removeByPeer(p);
        p.timers.stopAll();
        p.zeroKeyMaterial();
        p.dropStaged();
    }

    // ---- accessors for the package ----

    public String name() {
        return name;
    }

    public Counters counters() {
        return counters;
    }

    public int listenPort() {
        return listenPort;
    }

    Peer peer(NodePublicKey key) {
        return peers.get(key);
    }

    boolean running() {
        return running;
    }

    Noise.Identity identity() {
        return identity;
    }

    TunDevice tun() {
        return tun;
    }

    Clock clock() {
        return clock;
    }

    WgConstants constants() {
        return constants;
    }

    System.Logger log() {
        return log;
    }

    int mtu() {
        return mtu;
    }

    ElementPool pool() {
        return pool;
    }

    IndexTable indexes() {
        return indexes;
    }

    AllowedIps<Peer> allowedIps() {
        return allowedIps;
    }

    CookieChecker cookieChecker() {
        return cookieChecker;
    }

    Outbound outbound() {
        return outbound;
    }

    Inbound inbound() {
        return inbound;
    }

    CryptoWorkers crypto() {
        return crypto;
    }

    HandshakeWorker handshakes() {
        return handshakes;
    }
}
