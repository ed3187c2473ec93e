package dev.trellis.engine.controlclient;

import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlError;
import dev.trellis.protocol.control.ControlMessage;
import dev.trellis.protocol.control.ControlProtocolException;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.MapRequest;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.control.ServerKey;
import dev.trellis.protocol.key.DiscoPublicKey;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.noise.NoiseConnection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The node's side of the control protocol (docs/control-protocol.md): connects, registers,
 * holds the map stream and turns it into {@link NetMap} snapshots, and reconnects with
 * exponential backoff and jitter whenever the connection fails. It stops only when the user
 * must act ({@link ControlListener#stopped}) or when closed.
 *
 * <p>One thread (virtual) runs the whole conversation; {@link #updateEndpoints} writes from
 * the caller's thread, which the connection allows.
 */
public final class ControlClient implements AutoCloseable {
    /** What the client registers with. */
    public record Login(NodePrivateKey nodeKey, NodePublicKey oldNodeKey, String authKey, boolean interactive) {
        @Override
        public String toString() {
            return "Login[node=" + nodeKey.publicKey().shortString() + ", authKey=" + (authKey != null)
                    + ", interactive=" + interactive + "]";
        }
    }

    /** Timing; {@link #DEFAULT} in production, shorter in tests. */
    public record Timing(Duration minBackoff, Duration maxBackoff, Duration silenceTimeout) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(15), Duration.ofSeconds(75));
    }

    private static final System.Logger LOG = System.getLogger("trellis.controlclient");

    private final URI controlUrl;
    private final MachinePrivateKey machineKey;
    private final Dialer dialer;
    private final ControlListener listener;
    private final Supplier<Hostinfo> hostinfo;
    private final Timing timing;
    private final AtomicLong ids = new AtomicLong();
    private final Object lock = new Object();

    private volatile MachinePublicKey serverKey;
    private volatile List<String> endpoints = List.of();
    private volatile String discoKey;
    private Login login;
    private NoiseConnection conn;
    private Thread thread;
    private boolean closed;
    private volatile long lastHeard;

    public ControlClient(URI controlUrl, MachinePrivateKey machineKey, MachinePublicKey pinnedServerKey, Dialer dialer,
            ControlListener listener, Supplier<Hostinfo> hostinfo, Timing timing) {
        this.controlUrl = Objects.requireNonNull(controlUrl);
        this.machineKey = Objects.requireNonNull(machineKey);
        this.serverKey = pinnedServerKey;
        this.dialer = Objects.requireNonNull(dialer);
        this.listener = Objects.requireNonNull(listener);
        this.hostinfo = Objects.requireNonNull(hostinfo);
        this.timing = Objects.requireNonNull(timing);
    }

    /** Starts the conversation in the background; call once. */
    public void start(Login initial) {
        synchronized (lock) {
            if (thread != null || closed) {
                throw new IllegalStateException("a control client starts once");
            }
            login = Objects.requireNonNull(initial);
            thread = Thread.ofVirtual().name("control").start(this::run);
        }
    }

    /** The disco key to announce with every map request; set it before {@link #start}. */
    public void setDiscoKey(DiscoPublicKey key) {
        discoKey = key == null ? null : key.toString();
    }

    /** The endpoints to announce: sent now if connected, and on every reconnect. */
    public void updateEndpoints(List<String> current) {
        List<String> copy = List.copyOf(current);
        if (copy.equals(endpoints)) {
            return;
        }
        endpoints = copy;
        sendUpdate(null);
    }

    /** The hostinfo supplier's answer changed (e.g. a new netcheck): sends it now if connected. */
    public void hostinfoChanged() {
        sendUpdate(hostinfo.get());
    }

    private void sendUpdate(Hostinfo host) {
        NoiseConnection c;
        NodePublicKey key;
        synchronized (lock) {
            c = conn;
            key = login == null ? null : login.nodeKey().publicKey();
        }
        if (c != null && key != null) {
            try {
                send(c, new MapRequest(ids.incrementAndGet(), CapabilityVersion.CURRENT, key, discoKey, endpoints, host,
                        false));
            } catch (IOException e) {
                // The reader notices the broken connection and reconnects, sending them then.
            }
        }
    }

    /**
     * Expires the node key at the coordinator (log out), on a connection of its own, and
     * waits for the answer. The running conversation, if any, should be closed first.
     */
    public static void logout(URI controlUrl, MachinePrivateKey machineKey, MachinePublicKey serverKey, Dialer dialer,
            NodePrivateKey nodeKey) throws IOException {
        MachinePublicKey key = serverKey != null ? serverKey : MachinePublicKey.parse(dialer.fetchKey(controlUrl).publicKey());
        try (NoiseConnection c = dialer.connect(controlUrl, machineKey, key)) {
            send(c, new RegisterRequest(1, CapabilityVersion.CURRENT, nodeKey.publicKey(), null, null, null, null, true, null));
            ControlMessage reply = ControlCodec.decode(c.readMessage());
            if (reply instanceof ControlError e) {
                throw new IOException("the coordinator refused to log out: " + e.message());
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        NoiseConnection c;
        synchronized (lock) {
            closed = true;
            t = thread;
            c = conn;
            lock.notifyAll();
        }
        if (c != null) {
            c.close();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void run() {
        int failures = 0;
        while (!isClosed()) {
            Outcome outcome;
            try {
                outcome = converse();
            } catch (IOException | RuntimeException e) {
                outcome = Outcome.retry(describe(e));
            } finally {
                closeConnection();
            }
            if (outcome.stop != null) {
                if (!isClosed()) {
                    listener.stopped(outcome.stop, outcome.message);
                }
                return;
            }
            if (isClosed()) {
                return;
            }
            listener.connection(false, outcome.message);
            failures = outcome.connected ? 1 : failures + 1;
            if (!sleepBackoff(failures)) {
                return;
            }
        }
    }

    /** How one connection ended: retry (after backoff), or stop for the user. */
    private record Outcome(ControlFailure stop, String message, boolean connected) {
        static Outcome retry(String why) {
            return new Outcome(null, why, false);
        }
    }

    private Outcome converse() throws IOException {
        // The key is fetched on every connect, so that a coordinator whose key changed is
        // noticed here rather than as an undecipherable handshake.
        ServerKey fetched = dialer.fetchKey(controlUrl);
        if (fetched.minVersion() > CapabilityVersion.CURRENT || fetched.maxVersion() < CapabilityVersion.MINIMUM) {
            return new Outcome(ControlFailure.UNSUPPORTED_VERSION, "the coordinator serves protocol versions "
                    + fetched.minVersion() + "-" + fetched.maxVersion() + " and this node speaks "
                    + CapabilityVersion.CURRENT + ": upgrade Trellis", false);
        }
        MachinePublicKey fresh = MachinePublicKey.parse(fetched.publicKey());
        MachinePublicKey key = serverKey;
        if (key == null) {
            serverKey = fresh;
            key = fresh;
            listener.serverKeyPinned(fresh);
        } else if (!key.equals(fresh)) {
            return new Outcome(ControlFailure.SERVER_KEY_CHANGED, "the coordinator at " + controlUrl
                    + " now presents key " + fresh.shortString() + " instead of the pinned " + key.shortString()
                    + "; if it was reinstalled on purpose, run `trellis logout` and log in again", false);
        }
        NoiseConnection c = dialer.connect(controlUrl, machineKey, key);
        synchronized (lock) {
            if (closed) {
                c.close();
                return Outcome.retry("closed");
            }
            conn = c;
        }
        lastHeard = System.nanoTime();
        Outcome registered = register(c);
        if (registered != null) {
            return registered;
        }
        listener.connection(true, "connected to " + controlUrl);
        return stream(c);
    }

    /** Registers; null on success, else why not. */
    private Outcome register(NoiseConnection c) throws IOException {
        Login l;
        synchronized (lock) {
            l = login;
        }
        RegisterResponse r = registerOnce(c, new RegisterRequest(ids.incrementAndGet(), CapabilityVersion.CURRENT,
                l.nodeKey().publicKey(), l.oldNodeKey(), l.authKey(), hostinfo.get(), null, false, null));
        if (r.authUrl() != null && r.error() == null && !r.machineAuthorized()) {
            if (!l.interactive()) {
                return new Outcome(ControlFailure.NEEDS_LOGIN, "this node is not logged in: run `trellis login`"
                        + " or `trellis up --auth-key KEY`", true);
            }
            listener.authUrl(r.authUrl());
            r = registerOnce(c, new RegisterRequest(ids.incrementAndGet(), CapabilityVersion.CURRENT,
                    l.nodeKey().publicKey(), l.oldNodeKey(), null, hostinfo.get(), r.authUrl(), false, null));
        }
        if (r.error() != null) {
            ControlFailure why = l.authKey() != null ? ControlFailure.AUTH_KEY_REFUSED : ControlFailure.NEEDS_LOGIN;
            return new Outcome(why, r.error(), true);
        }
        if (r.nodeKeyExpired()) {
            return new Outcome(ControlFailure.KEY_EXPIRED, "this node's key has expired: log in again with `trellis login`", true);
        }
        if (!r.machineAuthorized()) {
            return new Outcome(ControlFailure.NEEDS_LOGIN, "the coordinator has not authorized this node: run `trellis login`", true);
        }
        synchronized (lock) {
            // A pre-auth key is used once; reconnects prove the registration with the node key alone.
            login = new Login(l.nodeKey(), null, null, l.interactive());
        }
        listener.loggedIn(r.user(), r.keyExpiry());
        return null;
    }

    private RegisterResponse registerOnce(NoiseConnection c, RegisterRequest request) throws IOException {
        send(c, request);
        while (true) {
            ControlMessage m = receive(c);
            if (m.id() != request.id()) {
                continue; // e.g. a late answer to an earlier connection's request: not ours
            }
            if (m instanceof RegisterResponse r) {
                return r;
            }
            if (m instanceof ControlError e) {
                return new RegisterResponse(e.id(), null, false, e.code() == ControlError.Code.KEY_EXPIRED, null, null,
                        e.message());
            }
            throw new ControlProtocolException("expected a RegisterResponse, got " + m.getClass().getSimpleName());
        }
    }

    private Outcome stream(NoiseConnection c) throws IOException {
        NodePublicKey key;
        synchronized (lock) {
            key = login.nodeKey().publicKey();
        }
        MapRequest request = new MapRequest(ids.incrementAndGet(), CapabilityVersion.CURRENT, key, discoKey, endpoints,
                hostinfo.get(), true);
        send(c, request);
        Thread watchdog = Thread.ofVirtual().name("control-watchdog").start(() -> watch(c));
        try {
            NetMap map = null;
            while (true) {
                ControlMessage m = receive(c);
                if (m instanceof ControlError e) {
                    return switch (e.code()) {
                        case KEY_EXPIRED -> new Outcome(ControlFailure.KEY_EXPIRED,
                                "this node's key has expired: log in again with `trellis login`", true);
                        case UNAUTHORIZED -> new Outcome(ControlFailure.NEEDS_LOGIN,
                                "the coordinator no longer knows this node (" + e.message() + "): log in again", true);
                        default -> new Outcome(null, "coordinator error: " + e.message(), true);
                    };
                }
                if (!(m instanceof MapResponse r) || r.id() != request.id()) {
                    continue;
                }
                if (map == null) {
                    if (!r.isFull()) {
                        throw new ControlProtocolException("the map stream did not start with a full map");
                    }
                    map = NetMap.of(r);
                } else {
                    if (r.keepAlive()) {
                        continue;
                    }
                    map = map.apply(r);
                }
                listener.netMap(map);
            }
        } catch (IOException e) {
            return new Outcome(null, describe(e), true);
        } finally {
            watchdog.interrupt();
        }
    }

    /** Closes a connection that has been silent for longer than keep-alives allow. */
    private void watch(NoiseConnection c) {
        long limit = timing.silenceTimeout().toNanos();
        try {
            while (c.isOpen()) {
                long silent = System.nanoTime() - lastHeard;
                if (silent > limit) {
                    LOG.log(Level.INFO, "no word from the coordinator for " + Duration.ofNanos(silent).toSeconds()
                            + " s; reconnecting");
                    c.close();
                    return;
                }
                Thread.sleep(Math.max(1, (limit - silent) / 1_000_000 + 1));
            }
        } catch (InterruptedException e) {
            // the stream ended
        }
    }

    private ControlMessage receive(NoiseConnection c) throws IOException {
        byte[] raw = c.readMessage();
        lastHeard = System.nanoTime();
        return ControlCodec.decode(raw);
    }

    private static void send(NoiseConnection c, ControlMessage m) throws IOException {
        c.writeMessage(ControlCodec.encode(m));
    }

    private void closeConnection() {
        NoiseConnection c;
        synchronized (lock) {
            c = conn;
            conn = null;
        }
        if (c != null) {
            c.close();
        }
    }

    /** Sleeps min·2^(n-1), capped, with jitter in [d/2, d]; false if closed meanwhile. */
    private boolean sleepBackoff(int failures) {
        long min = timing.minBackoff().toMillis();
        long max = timing.maxBackoff().toMillis();
        long d = Math.min(max, min << Math.min(20, Math.max(0, failures - 1)));
        long sleep = d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
        long deadline = System.currentTimeMillis() + sleep;
        synchronized (lock) {
            while (!closed) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return true;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return false;
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
