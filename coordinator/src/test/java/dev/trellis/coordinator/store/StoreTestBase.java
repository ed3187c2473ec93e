package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Fixture shared by the store contract tests: one empty database per test, on the subclass's backend. */
abstract class StoreTestBase {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long RACE_TIMEOUT_SECONDS = 30;

    static {
        TestLogging.quiet();
    }

    @TempDir
    Path tempDir;
    TestDatabase database;
    MutableClock clock;
    Store store;
    private final List<Store> opened = new ArrayList<>();

    /** The backend: a new empty database under {@code tempDir}. */
    abstract TestDatabase newDatabase(Path tempDir);

    @BeforeEach
    final void openStore() {
        database = newDatabase(tempDir);
        clock = new MutableClock(T0);
        store = open();
    }

    @AfterEach
    final void closeStores() {
        for (Store s : opened) {
            s.close();
        }
        database.close();
    }

    /** Another store on the same database, with its own pool: what a second process would have. */
    Store open() {
        Store s = database.open(clock);
        opened.add(s);
        return s;
    }

    /** Closes and reopens {@link #store}, as a restarted coordinator would. */
    void reopen() {
        store.close();
        opened.remove(store);
        store = open();
    }

    User user(String name) {
        return store.createUser(NewUser.local(name, name.toUpperCase(), null));
    }

    static MachinePublicKey machineKey() {
        return MachinePublicKey.fromBytes(random32());
    }

    static NodePublicKey nodeKey() {
        return NodePublicKey.fromBytes(random32());
    }

    private static byte[] random32() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }

    static NodeRegistration registration(MachinePublicKey machine, String hostname,
            NodeRegistration.Authorization authorization) {
        return new NodeRegistration(machine, nodeKey(), "discokey:1", hostname, "{\"OS\":\"linux\"}",
                List.of("127.0.0.1:41641"), null, authorization);
    }

    static NodeRegistration.UserLogin login(User user) {
        return new NodeRegistration.UserLogin(user.id(), List.of());
    }

    static NodeRegistration.WithPreAuthKey credential(IssuedPreAuthKey issued) {
        return NodeRegistration.WithPreAuthKey.of(Secrets.parse(Secrets.Kind.PRE_AUTH, issued.text()));
    }

    Node register(User user, String hostname) {
        return store.registerNode(registration(machineKey(), hostname, login(user)));
    }

    /**
     * Runs {@code threads} tasks that start together and returns their results, in task order.
     * Fails if one throws or they don't finish within the deadline.
     */
    static <T> List<T> race(int threads, IntFunction<Callable<T>> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> body = task.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return body.call();
                }));
            }
            if (!ready.await(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("racing threads did not start");
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(RACE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
