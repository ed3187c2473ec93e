package dev.trellis.daemon.backend;

import dev.trellis.daemon.state.NodeState;
import dev.trellis.daemon.state.StateStore;
import dev.trellis.engine.controlclient.ControlClient;
import dev.trellis.engine.controlclient.ControlFailure;
import dev.trellis.engine.controlclient.ControlListener;
import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WatchOpt;
import dev.trellis.protocol.localapi.WhoIsResponse;
import dev.trellis.protocol.localapi.PingResult;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The node's state machine (Tailscale's ipn states: NeedsLogin, Stopped, Starting, Running):
 * it holds the persisted {@link NodeState}, runs one {@link ControlClient} at a time, applies
 * every netmap to the {@link Engine}, and tells LocalAPI watchers what changed. The LocalAPI
 * calls in; the control client calls back through {@link ControlListener}.
 *
 * <p>One lock guards everything; the engine is configured under it, so configurations never
 * interleave. Closing a control client waits for its thread, which may be waiting for this
 * lock, so an old client is always closed after the lock is released, and its late callbacks
 * are recognised by their generation and ignored.
 */
public final class LocalBackend implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.daemon.backend");

    /** Makes control clients; the daemon's dials the coordinator over HTTP, tests fake it. */
    @FunctionalInterface
    public interface ControlFactory {
        ControlClient create(URI controlUrl, NodeState state, ControlListener listener);
    }

    private final StateStore store;
    private final Engine engine;
    private final ControlFactory controls;
    private final Clock clock;
    private final String version;
    private final NotifyBus bus = new NotifyBus();
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("backend-timers").factory());

    private NodeState state;
    private BackendState backend = BackendState.NO_STATE;
    private NetMap netMap;
    private boolean netMapDirty;
    /** The earliest future key expiry among the peers last applied: the tunnel drops that peer then. */
    private Instant nextPeerExpiry;
    private String authUrl;
    private String controlProblem;
    private ControlClient client;
    private int generation;

    public LocalBackend(StateStore store, Engine engine, ControlFactory controls, Clock clock, String version) {
        this.store = Objects.requireNonNull(store);
        this.engine = Objects.requireNonNull(engine);
        engine.onNetworkChange(this::networkChanged);
        this.controls = Objects.requireNonNull(controls);
        this.clock = Objects.requireNonNull(clock);
        this.version = Objects.requireNonNull(version);
    }

    /**
     * Loads the state and, if the user left the tunnel up, brings it back from the last netmap
     * at once (the coordinator may be down) and reconnects in the background.
     */
    public void start() throws IOException {
        ControlClient old;
        lock.lock();
        try {
            state = store.loadOrCreate();
            if (state.wantRunning() && state.nodeKey() != null && state.controlUrl() != null) {
                netMap = store.loadNetMap().orElse(null);
                if (netMap != null) {
                    applyEngine();
                }
                setState(netMap != null ? BackendState.RUNNING : BackendState.STARTING);
                old = startControl(null, false);
            } else {
                setState(state.nodeKey() == null || state.loggedOut() ? BackendState.NEEDS_LOGIN : BackendState.STOPPED);
                old = null;
            }
        } finally {
            lock.unlock();
        }
        close(old);
        timers.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    // ---- LocalAPI operations

    public Status status() {
        lock.lock();
        try {
            return StatusBuilder.build(version, backend, state.nodeKey() != null, authUrl, netMap, engine.status(),
                    engine.paths(), health(), clock.instant());
        } finally {
            lock.unlock();
        }
    }

    /** Who owns tunnel address {@code addr} ({@code IP} or {@code IP:port}); see {@link WhoIs}. */
    public WhoIsResponse whois(String addr) {
        lock.lock();
        try {
            return WhoIs.lookup(netMap, addr);
        } finally {
            lock.unlock();
        }
    }

    /** The engine's endpoints or NetInfo changed: the coordinator (and so every peer) is told at once. */
    private void networkChanged() {
        ControlClient c;
        lock.lock();
        try {
            c = client;
        } finally {
            lock.unlock();
        }
        if (c != null) {
            c.updateEndpoints(engine.localEndpoints());
            c.hostinfoChanged();
        }
    }

    /** Runs a netcheck now (see {@link Engine#netcheck()}) and reports it in LocalAPI form. */
    public dev.trellis.protocol.localapi.NetcheckReport netcheckReport() throws IOException {
        dev.trellis.protocol.control.RelayMap map = relayMap();
        if (map.regions().isEmpty()) {
            throw new BackendException(ErrorCode.NOT_READY, "no relay map yet: netcheck measures against the relays "
                    + "the coordinator names; connect with `trellis up` first");
        }
        dev.trellis.engine.netcheck.NetReport r;
        try {
            r = engine.netcheck().orElseThrow(() -> new BackendException(ErrorCode.NOT_READY,
                    "this engine cannot run netcheck"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        java.util.Map<String, Double> latency = new java.util.TreeMap<>();
        r.regionLatency().forEach((id, d) -> latency.put(Integer.toString(id), d.toNanos() / 1e9));
        return new dev.trellis.protocol.localapi.NetcheckReport(r.udp(), r.globalV6() != null,
                r.globalV4() == null ? null : dev.trellis.protocol.net.IpLiterals.formatEndpoint(r.globalV4()),
                r.globalV6() == null ? null : dev.trellis.protocol.net.IpLiterals.formatEndpoint(r.globalV6()), r.mappingVariesByDestIp(), r.preferredRegion(),
                latency, r.describe(map));
    }

    /** The relay map of the current netmap (empty without one). */
    public dev.trellis.protocol.control.RelayMap relayMap() {
        lock.lock();
        try {
            return netMap == null ? dev.trellis.protocol.control.RelayMap.EMPTY : netMap.relayMap();
        } finally {
            lock.unlock();
        }
    }

    /**
     * One ping of tunnel address {@code ip} (see {@link PingResult}). {@code ICMP} goes through
     * the tunnel and the peer's packet filter like any ICMP; {@code disco} pings the peer's
     * paths themselves (its relay and each address at once) and reports the first pong's path.
     */
    public PingResult ping(String ip, String type, Duration timeout) throws IOException {
        boolean disco = type != null && type.equalsIgnoreCase("disco");
        if (type == null || !(type.equalsIgnoreCase("ICMP") || disco)) {
            throw new BackendException(ErrorCode.BAD_REQUEST, "ping type '" + type
                    + "' is not supported: use type=disco or type=ICMP");
        }
        if (ip != null && ip.contains(":") && !ip.startsWith("[") && ip.indexOf(':') == ip.lastIndexOf(':')) {
            throw new BackendException(ErrorCode.BAD_REQUEST, "ping takes an address without a port, got '" + ip + "'");
        }
        WhoIsResponse who;
        boolean local;
        lock.lock();
        try {
            who = WhoIs.lookup(netMap, ip);
            local = who.node().id() == netMap.self().id();
        } finally {
            lock.unlock();
        }
        java.net.InetAddress target = java.net.InetAddress.getByAddress(WhoIs.parseAddr(ip));
        String nodeIp = who.node().addresses().isEmpty() ? null
                : dev.trellis.protocol.net.IpLiterals.format(who.node().addresses().getFirst().address());
        String name = who.node().computedName();
        if (disco) {
            return discoPing(ip, nodeIp, name, who.node().key(), local, timeout);
        }
        Optional<Duration> rtt = engine.ping(target, timeout);
        if (rtt.isEmpty()) {
            return new PingResult(ip, nodeIp, name, "timeout waiting for a reply after " + timeout.toMillis() + " ms", 0,
                    null, 0, null, local);
        }
        String endpoint = engine.status().peers().stream().filter(p -> p.publicKey().equals(who.node().key()))
                .findFirst().flatMap(p -> p.endpoint()).map(dev.trellis.protocol.net.IpLiterals::formatEndpoint)
                .orElse(null);
        return new PingResult(ip, nodeIp, name, null, rtt.get().toNanos() / 1e9, endpoint, 0, null, local);
    }

    private PingResult discoPing(String ip, String nodeIp, String name,
            dev.trellis.protocol.key.NodePublicKey key, boolean local, Duration timeout) throws IOException {
        if (local) {
            return new PingResult(ip, nodeIp, name, null, 0, null, 0, null, true);
        }
        var pending = engine.discoPing(key);
        try {
            var reply = pending.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            double secs = reply.latency().toNanos() / 1e9;
            if (reply.direct() != null) {
                return new PingResult(ip, nodeIp, name, null, secs,
                        dev.trellis.protocol.net.IpLiterals.formatEndpoint(reply.direct()), 0, null, false);
            }
            String code = relayMap().region(reply.relayRegion()).map(r -> r.code()).orElse(null);
            return new PingResult(ip, nodeIp, name, null, secs, null, reply.relayRegion(), code, false);
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(false); // frees the ping's transaction ids
            return new PingResult(ip, nodeIp, name, "timeout waiting for a pong after " + timeout.toMillis() + " ms", 0,
                    null, 0, null, false);
        } catch (java.util.concurrent.ExecutionException e) {
            return new PingResult(ip, nodeIp, name, "cannot ping: " + e.getCause().getMessage(), 0, null, 0, null, false);
        } catch (InterruptedException e) {
            pending.cancel(false);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The data plane's counters as Prometheus text: {@code trellis_<dotted name with underscores> value}. */
    public String metricsText() {
        StringBuilder b = new StringBuilder();
        engine.metrics().forEach((k, v) -> b.append("trellis_").append(k.replaceAll("[^A-Za-z0-9_]", "_")).append(' ')
                .append(v).append('\n'));
        return b.toString();
    }

    public Prefs prefs() {
        lock.lock();
        try {
            return prefsOf(state);
        } finally {
            lock.unlock();
        }
    }

    /** {@code POST /start}: new preferences and maybe a pre-auth key; never waits for the coordinator. */
    public void start(Options options) throws IOException {
        ControlClient old;
        lock.lock();
        try {
            Prefs update = options.updatePrefs() == null ? Prefs.NONE : options.updatePrefs();
            updatePrefs(update);
            String authKey = options.authKey() == null || options.authKey().isBlank() ? null : options.authKey().strip();
            if (state.controlUrl() == null) {
                throw new BackendException(ErrorCode.BAD_REQUEST,
                        "no login server: run `trellis up --login-server URL`");
            }
            if (!state.wantRunning()) {
                old = stop();
            } else if (authKey != null) {
                old = login(authKey, false);
            } else if (state.nodeKey() != null && !state.loggedOut()) {
                setState(netMap != null ? BackendState.RUNNING : BackendState.STARTING);
                old = startControl(null, false);
                if (netMap != null) {
                    applyEngine(); // the saved map, with the prefs just given, until the coordinator's arrives
                }
            } else {
                old = null;
                setState(BackendState.NEEDS_LOGIN);
            }
            publishState(); // even if unchanged: `trellis up` waits for it
        } finally {
            lock.unlock();
        }
        close(old);
    }

    /** {@code POST /login-interactive}: register with an auth URL the user opens. */
    public void loginInteractive() throws IOException {
        ControlClient old;
        lock.lock();
        try {
            if (state.controlUrl() == null) {
                throw new BackendException(ErrorCode.BAD_REQUEST, "no login server: run `trellis up --login-server URL`");
            }
            if (authUrl != null && backend == BackendState.NEEDS_LOGIN) {
                bus.publish(new Notify(version, null, null, false, null, null, null, null, authUrl, null));
                return;
            }
            state = state.withWantRunning(true);
            store.save(state);
            old = login(null, true);
        } finally {
            lock.unlock();
        }
        close(old);
    }

    /** {@code POST /logout}: expires the node key at the coordinator (if reachable) and forgets it. */
    public void logout() throws IOException {
        ControlClient old;
        NodeState before;
        lock.lock();
        try {
            before = state;
            old = client;
            client = null;
            generation++;
            engine.clear();
            netMap = null;
            authUrl = null;
            state = state.loggedOutState();
            store.save(state);
            store.deleteNetMap();
            setState(BackendState.NEEDS_LOGIN);
        } finally {
            lock.unlock();
        }
        close(old);
        if (before.nodeKey() != null && before.controlUrl() != null) {
            try {
                ControlClient.logout(URI.create(before.controlUrl()), before.machineKey(), before.serverKey(),
                        new dev.trellis.engine.controlclient.HttpDialer(), before.nodeKey());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not tell the coordinator about the logout (" + e.getMessage()
                        + "); the node key was forgotten here and expires there on its own");
            }
        }
    }

    /** {@code PATCH /prefs}. */
    public Prefs editPrefs(MaskedPrefs masked) throws IOException {
        ControlClient old = null;
        lock.lock();
        try {
            boolean wasRunning = state.wantRunning();
            boolean acceptedDns = state.acceptDns();
            Prefs next = masked.applyTo(prefsOf(state));
            updatePrefs(next);
            if (wasRunning && !state.wantRunning()) {
                old = stop();
            } else if (!wasRunning && state.wantRunning() && state.nodeKey() != null && !state.loggedOut()) {
                setState(BackendState.STARTING);
                old = startControl(null, false);
            } else if (acceptedDns != state.acceptDns() && client != null && netMap != null) {
                applyEngine(); // --accept-dns changed while up: point the system's DNS (or restore it) now
            }
            publishState();
            return prefsOf(state);
        } finally {
            lock.unlock();
            close(old);
        }
    }

    /** {@code GET /watch-ipn-bus}: a watcher whose first message is the current state, as asked. */
    public NotifyBus.Watcher watch(long mask) {
        lock.lock();
        try {
            Notify initial = null;
            if (WatchOpt.INITIAL_STATE.isSetIn(mask) || WatchOpt.INITIAL_PREFS.isSetIn(mask)) {
                initial = new Notify(version, null, null, false,
                        WatchOpt.INITIAL_STATE.isSetIn(mask) ? backend : null,
                        WatchOpt.INITIAL_PREFS.isSetIn(mask) ? prefsOf(state) : null, null, null,
                        WatchOpt.INITIAL_STATE.isSetIn(mask) && backend == BackendState.NEEDS_LOGIN ? authUrl : null, null);
            }
            return bus.watch(initial);
        } finally {
            lock.unlock();
        }
    }

    // ---- internals (lock held)

    private void updatePrefs(Prefs p) throws IOException {
        NodeState s = state;
        if (p.controlUrl() != null && !p.controlUrl().equals(s.controlUrl())) {
            URI url = parseControlUrl(p.controlUrl());
            // Another coordinator: the old login and pinned key mean nothing there.
            s = new NodeState(s.machineKey(), null, url.toString(), null, s.hostname(), s.wantRunning(), false, null, null,
                    s.acceptDns());
            netMap = null;
            store.deleteNetMap();
        }
        if (p.hostname() != null) {
            s = s.withHostname(p.hostname().isBlank() ? null : p.hostname().strip());
        }
        if (p.wantRunning() != null) {
            s = s.withWantRunning(p.wantRunning());
        }
        if (Boolean.FALSE.equals(p.loggedOut()) && s.loggedOut()) {
            s = new NodeState(s.machineKey(), s.nodeKey(), s.controlUrl(), s.serverKey(), s.hostname(), s.wantRunning(),
                    false, s.user(), s.keyExpiry(), s.acceptDns());
        }
        if (p.corpDns() != null) {
            s = s.withAcceptDns(p.corpDns());
        }
        if (!s.equals(state)) {
            state = s;
            store.save(state);
        }
    }

    static URI parseControlUrl(String text) {
        URI url;
        try {
            url = URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            throw new BackendException(ErrorCode.BAD_REQUEST, "bad login server URL '" + text + "'");
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new BackendException(ErrorCode.BAD_REQUEST,
                    "the login server URL must be http(s)://HOST[:PORT], got '" + text + "'");
        }
        return url;
    }

    /** Starts a login: a fresh node key (the old one is rotated out) and a new control client. */
    private ControlClient login(String authKey, boolean interactive) throws IOException {
        NodePrivateKey old = state.nodeKey();
        boolean fresh = old == null || state.loggedOut() || authKey != null || interactive;
        if (fresh) {
            state = state.withNodeKey(NodePrivateKey.generate());
            store.save(state);
        }
        authUrl = null;
        setState(BackendState.STARTING);
        return startControl(fresh && old != null ? old.publicKey() : null, interactive, authKey);
    }

    private ControlClient startControl(dev.trellis.protocol.key.NodePublicKey oldKey, boolean interactive) {
        return startControl(oldKey, interactive, null);
    }

    /** Replaces the control client; returns the old one for the caller to close outside the lock. */
    private ControlClient startControl(dev.trellis.protocol.key.NodePublicKey oldKey, boolean interactive, String authKey) {
        ControlClient old = client;
        int gen = ++generation;
        client = controls.create(URI.create(state.controlUrl()), state, new Listener(gen));
        client.updateEndpoints(engine.localEndpoints());
        client.start(new ControlClient.Login(state.nodeKey(), oldKey, authKey, interactive));
        controlProblem = null;
        return old;
    }

    private ControlClient stop() throws IOException {
        ControlClient old = client;
        client = null;
        generation++;
        engine.clear();
        setState(state.nodeKey() == null || state.loggedOut() ? BackendState.NEEDS_LOGIN : BackendState.STOPPED);
        return old;
    }

    private void applyEngine() {
        Instant now = clock.instant();
        nextPeerExpiry = netMap.peers().values().stream().map(dev.trellis.protocol.control.Node::keyExpiry)
                .filter(e -> e != null && e.isAfter(now)).min(Instant::compareTo).orElse(null);
        try {
            engine.apply(netMap, state.nodeKey(), state.acceptDns());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "configuring the tunnel failed (retrying on the next map): " + e.getMessage());
        }
    }

    private void setState(BackendState next) {
        if (next != backend) {
            backend = next;
            publishState();
        }
    }

    private void publishState() {
        bus.publish(Notify.ofState(version, backend));
    }

    private List<String> health() {
        List<String> out = new ArrayList<>();
        if (controlProblem != null && state.wantRunning()) {
            out.add("not connected to the login server: " + controlProblem);
        }
        out.addAll(engine.health());
        if (state.keyExpiry() != null && !clock.instant().isBefore(state.keyExpiry())) {
            out.add("this node's key has expired: log in again with `trellis login`");
        }
        return out;
    }

    private static Prefs prefsOf(NodeState s) {
        return Prefs.builder().controlUrl(s.controlUrl()).wantRunning(s.wantRunning()).loggedOut(s.loggedOut())
                .hostname(s.hostname()).routeAll(false).corpDns(s.acceptDns()).shieldsUp(false).advertiseTags(List.of())
                .advertiseRoutes(List.of()).build();
    }

    /** Ticks since start; only the timer thread touches it. */
    private long ticks;

    /** Once a second: persist a changed netmap; every five seconds: refresh endpoints. */
    private void tick() {
        ControlClient c;
        NetMap toSave = null;
        lock.lock();
        try {
            c = client;
            // A peer whose key expires stops being accepted then, even if no map says so (the
            // coordinator may be down).
            if (c != null && netMap != null && nextPeerExpiry != null && !clock.instant().isBefore(nextPeerExpiry)) {
                applyEngine();
            }
            if (netMapDirty && netMap != null) {
                toSave = netMap;
                netMapDirty = false;
            }
        } finally {
            lock.unlock();
        }
        try {
            if (toSave != null) {
                store.saveNetMap(toSave);
            }
            // Interfaces change rarely; listing them every fifth second is soon enough.
            if (c != null && ++ticks % 5 == 0) {
                c.updateEndpoints(engine.localEndpoints());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "periodic state update failed: " + e.getMessage());
        }
    }

    private static void close(ControlClient c) {
        if (c != null) {
            c.close();
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
        ControlClient c;
        lock.lock();
        try {
            c = client;
            client = null;
            generation++;
            if (netMapDirty && netMap != null) {
                try {
                    store.saveNetMap(netMap);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not save the netmap: " + e.getMessage());
                }
            }
        } finally {
            lock.unlock();
        }
        close(c);
    }

    /** Callbacks of one control client; stale generations are ignored. */
    private final class Listener implements ControlListener {
        private final int gen;

        Listener(int gen) {
            this.gen = gen;
        }

        private boolean current() {
            return gen == generation;
        }

        @Override
        public void serverKeyPinned(MachinePublicKey key) {
            locked(() -> {
                state = state.withControl(state.controlUrl(), key);
                store.save(state);
            });
        }

        @Override
        public void authUrl(String url) {
            locked(() -> {
                authUrl = url;
                setState(BackendState.NEEDS_LOGIN);
                bus.publish(new Notify(version, null, null, false, null, null, null, null, url, null));
            });
        }

        @Override
        public void loggedIn(UserProfile user, Instant keyExpiry) {
            locked(() -> {
                boolean wasPending = authUrl != null;
                authUrl = null;
                state = state.withLogin(user, keyExpiry);
                store.save(state);
                if (wasPending || backend == BackendState.NEEDS_LOGIN) {
                    bus.publish(new Notify(version, null, null, true, null, null, null, null, null, null));
                }
                if (backend != BackendState.RUNNING) {
                    setState(BackendState.STARTING);
                }
            });
        }

        @Override
        public void netMap(NetMap map) {
            locked(() -> {
                netMap = map;
                netMapDirty = true;
                applyEngine();
                if (map.self().expired() && backend != BackendState.NEEDS_LOGIN) {
                    setState(BackendState.NEEDS_LOGIN);
                    bus.publish(new Notify(version, "this node's key expired: log in again with `trellis login`",
                            ErrorCode.NEEDS_LOGIN, false, null, null, null, null, null, null));
                } else if (!map.self().expired()) {
                    setState(BackendState.RUNNING);
                }
            });
        }

        @Override
        public void connection(boolean up, String reason) {
            locked(() -> controlProblem = up ? null : reason);
        }

        @Override
        public void stopped(ControlFailure failure, String message) {
            locked(() -> {
                String code = switch (failure) {
                    case AUTH_KEY_REFUSED -> ErrorCode.AUTH_KEY_REFUSED;
                    case NEEDS_LOGIN, KEY_EXPIRED -> ErrorCode.NEEDS_LOGIN;
                    default -> null;
                };
                LOG.log(Level.WARNING, "control stopped (" + failure + "): " + message);
                client = null;
                if (failure == ControlFailure.AUTH_KEY_REFUSED || failure == ControlFailure.NEEDS_LOGIN
                        || failure == ControlFailure.KEY_EXPIRED) {
                    setState(BackendState.NEEDS_LOGIN);
                }
                bus.publish(new Notify(version, message, code, false, null, null, null, null, null, null));
            });
        }

        private interface Action {
            void run() throws IOException;
        }

        private void locked(Action a) {
            lock.lock();
            try {
                if (current()) {
                    a.run();
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not save the node state: " + e.getMessage());
            } finally {
                lock.unlock();
            }
        }
    }
}
