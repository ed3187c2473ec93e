package dev.trellis.coordinator.tailnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.cluster.PostgresChangeBus;
import dev.trellis.coordinator.netmap.MapSession;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.PostgresServer;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two coordinators serving one tailnet from one real PostgreSQL database, as two processes
 * would (each with its own store pool, change bus and hub): a change made through either
 * reaches the map streams held by the other within the 2 s.
 */
class TwoCoordinatorsTest {
    private static final Duration PROPAGATION = Duration.ofSeconds(2);
    private String url;
    private final List<AutoCloseable> open = new ArrayList<>();
    private Tailnet east;
    private Tailnet west;
    private Store eastStore;
    private String key;

    @BeforeEach
    void start() {
        url = PostgresServer.shared().createDatabase();
        eastStore = Stores.open(url, null);
        Store westStore = Stores.open(url, null);
        open.add(eastStore);
        open.add(westStore);
        east = tailnet(eastStore);
        west = tailnet(westStore);
        User alice = eastStore.createUser(NewUser.local("alice", "Alice", null));
        key = eastStore.createPreAuthKey(alice.id(), true, false, null, List.of()).text();
    }

    private Tailnet tailnet(Store store) {
        PostgresChangeBus bus = PostgresChangeBus.start(url);
        open.add(bus);
        Tailnet t = new Tailnet(store, new TailnetConfig(URI.create("http://127.0.0.1:1"), "trellis.test",
                Duration.ofDays(1), Duration.ofSeconds(30), Duration.ofMinutes(15)), PeerPolicy.allowAll(),
                Clock.systemUTC(), Duration.ofSeconds(30), bus);
        t.start();
        open.add(t);
        return t;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        PostgresServer.shared().dropDatabase(url);
    }

    private long join(Tailnet via, String host) throws InterruptedException {
        RegisterResponse r = via.register(MachinePrivateKey.generate().publicKey(), new RegisterRequest(1, 1,
                NodePrivateKey.generate().publicKey(), null, key, new Hostinfo(host, "linux", null, null), null, false, null));
        assertThat(r.error()).isNull();
        return via.store().listNodes().stream().filter(n -> n.hostname().equals(host)).findFirst().orElseThrow().id();
    }

    /** A node's view of its map stream: the peers it was told of, by id. */
    static final class View implements MapSession.Sink {
        private final Map<Long, Node> peers = new TreeMap<>();

        @Override
        public synchronized void send(PreparedMapResponse prepared) throws IOException {
            MapResponse r = dev.trellis.protocol.control.ControlCodec.mapper()
                    .readValue(prepared.encode(), MapResponse.class);
            if (r.peers() != null) {
                peers.clear();
                r.peers().forEach(p -> peers.put(p.id(), p));
            }
            if (r.peersRemoved() != null) {
                r.peersRemoved().forEach(peers::remove);
            }
            if (r.peersChanged() != null) {
                r.peersChanged().forEach(p -> peers.put(p.id(), p));
            }
            if (r.peersChangedPatch() != null) {
                r.peersChangedPatch().forEach(c -> peers.computeIfPresent(c.nodeId(), (id, n) -> n.with(c)));
            }
            notifyAll();
        }

        synchronized Duration await(String what, Predicate<Map<Long, Node>> condition, Duration within)
                throws InterruptedException {
            long start = System.nanoTime();
            long deadline = start + within.toNanos();
            while (!condition.test(peers)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("within " + within.toMillis() + " ms: " + what + "; peers now " + peers);
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    @Test
    void changesMadeThroughEitherCoordinatorReachNodesAttachedToTheOther() throws Exception {
        long a = join(east, "alpha");
        View alpha = new View();
        east.hub().open(a, 1, alpha).orElseThrow();

        long b = join(west, "bravo");
        Duration joined = alpha.await("bravo (registered at west) in alpha's map at east",
                p -> p.containsKey(b), PROPAGATION);
        View bravo = new View();
        west.hub().open(b, 1, bravo).orElseThrow();
        alpha.await("bravo online", p -> Boolean.TRUE.equals(p.get(b).online()), PROPAGATION);
        bravo.await("alpha, online at east", p -> p.containsKey(a) && Boolean.TRUE.equals(p.get(a).online()),
                PROPAGATION);

        west.reportEndpoints(west.store().nodeById(b).orElseThrow(), List.of("198.18.0.2:41641"), null, null);
        alpha.await("bravo's endpoint", p -> p.get(b).endpoints().equals(List.of("198.18.0.2:41641")), PROPAGATION);

        east.rename(b, "bravo-two");
        bravo.await("nothing about itself, but alpha still there", p -> p.containsKey(a), PROPAGATION);
        alpha.await("bravo renamed", p -> p.get(b).name().equals("bravo-two"), PROPAGATION);

        west.deleteNode(a);
        bravo.await("alpha deleted at west is gone", p -> !p.containsKey(a), PROPAGATION);
        System.out.println("LAB event=two_coordinators join_propagation_ms=" + joined.toMillis());
    }

    @Test
    void presenceLapsesWhenACoordinatorGoesAway() throws Exception {
        long a = join(east, "alpha");
        long b = join(west, "bravo");
        View alpha = new View();
        east.hub().open(a, 1, alpha).orElseThrow();
        View bravo = new View();
        west.hub().open(b, 1, bravo).orElseThrow();
        alpha.await("bravo online", p -> p.containsKey(b) && Boolean.TRUE.equals(p.get(b).online()), PROPAGATION);
        // bravo's stream ends politely at west: alpha hears it went offline.
        west.hub().closeAll();
        alpha.await("bravo offline", p -> Boolean.FALSE.equals(p.get(b).online()), PROPAGATION);
        assertThat(east.isOnline(b)).isFalse();
    }
}
