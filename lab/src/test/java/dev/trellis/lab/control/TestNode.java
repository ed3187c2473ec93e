package dev.trellis.lab.control;

import dev.trellis.engine.controlclient.ControlClient;
import dev.trellis.engine.controlclient.ControlFailure;
import dev.trellis.engine.controlclient.ControlListener;
import dev.trellis.engine.controlclient.HttpDialer;
import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A node's control plane only (no TUN, no WireGuard): a real {@link ControlClient} over HTTP to a
 * real coordinator, recording what it hears so tests can wait for conditions.
 */
final class TestNode implements ControlListener, AutoCloseable {
    final String hostname;
    final MachinePrivateKey machineKey = MachinePrivateKey.generate();
    final NodePrivateKey nodeKey = NodePrivateKey.generate();
    final List<String> events = new CopyOnWriteArrayList<>();
    private volatile NetMap map;
    private volatile ControlClient client;

    TestNode(String hostname) {
        this.hostname = hostname;
    }

    TestNode start(URI url, String authKey, ControlClient.Timing timing) {
        client = new ControlClient(url, machineKey, null, new HttpDialer(), this,
                () -> new Hostinfo(hostname, "linux", null, "test"), timing);
        client.start(new ControlClient.Login(nodeKey, null, authKey, authKey == null));
        return this;
    }

    ControlClient client() {
        return client;
    }

    NetMap map() {
        return map;
    }

    /** Waits until this node's netmap satisfies {@code condition}. */
    synchronized NetMap await(String what, Duration timeout, Predicate<NetMap> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (map == null || !condition.test(map)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(hostname + ": timed out after " + timeout + " waiting for " + what
                        + "; events " + events + "; map " + (map == null ? "none" : map.peers().keySet()));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return map;
    }

    synchronized String awaitEvent(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String e : events) {
                if (e.startsWith(prefix)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(hostname + ": no event '" + prefix + "' within " + timeout + "; events " + events);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    static Predicate<NetMap> peers(String... names) {
        List<String> want = List.of(names);
        return m -> m.peers().values().stream().map(Node::name).sorted().toList()
                .equals(want.stream().sorted().toList());
    }

    @Override
    public synchronized void serverKeyPinned(MachinePublicKey key) {
        events.add("pinned");
        notifyAll();
    }

    @Override
    public synchronized void authUrl(String url) {
        events.add("authUrl " + url);
        notifyAll();
    }

    @Override
    public synchronized void loggedIn(UserProfile user, Instant keyExpiry) {
        events.add("loggedIn " + user.loginName());
        notifyAll();
    }

    @Override
    public synchronized void netMap(NetMap m) {
        map = m;
        notifyAll();
    }

    @Override
    public synchronized void connection(boolean up, String reason) {
        events.add(up ? "up" : "down " + reason);
        notifyAll();
    }

    @Override
    public synchronized void stopped(ControlFailure failure, String message) {
        events.add("stopped " + failure + " " + message);
        notifyAll();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
