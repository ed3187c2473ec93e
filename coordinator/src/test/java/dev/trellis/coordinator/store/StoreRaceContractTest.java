package dev.trellis.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} backend must do under concurrency and crashes. Two {@link Store}
 * instances on one database have separate connection pools, as two coordinator processes would.
 */
abstract class StoreRaceContractTest extends StoreTestBase {
    private static final int THREADS = 8;
    private static final int CRASH_AFTER_COMMITS = 25;
    private static final long CHILD_DEADLINE_SECONDS = 45;

    @Test
    void aOneShotKeyIsConsumedOnceByRacingThreads() throws Exception {
        Secrets.KeyText key = oneShotKey();
        List<PreAuthKeyUse.Status> outcomes = race(THREADS,
                i -> () -> store.consumePreAuthKey(key.prefix(), key.secretHash(), T0).status());

        assertThat(outcomes).filteredOn(s -> s == PreAuthKeyUse.Status.ACCEPTED).hasSize(1);
        assertThat(outcomes).filteredOn(s -> s == PreAuthKeyUse.Status.USED).hasSize(THREADS - 1);
    }

    @Test
    void aOneShotKeyIsConsumedOnceAcrossStores() throws Exception {
        Secrets.KeyText key = oneShotKey();
        Store other = open();
        List<PreAuthKeyUse.Status> outcomes = race(THREADS,
                i -> () -> (i % 2 == 0 ? store : other).consumePreAuthKey(key.prefix(), key.secretHash(), T0).status());

        assertThat(outcomes).filteredOn(s -> s == PreAuthKeyUse.Status.ACCEPTED).hasSize(1);
        assertThat(outcomes).filteredOn(s -> s == PreAuthKeyUse.Status.USED).hasSize(THREADS - 1);
    }

    @Test
    void aOneShotKeyRegistersOneNodeWhenRegistrationsRace() throws Exception {
        User alice = user("alice");
        IssuedPreAuthKey issued = store.createPreAuthKey(alice.id(), false, false, null, List.of());
        Store other = open();
        List<String> outcomes = race(THREADS, i -> () -> {
            try {
                return (i % 2 == 0 ? store : other)
                        .registerNode(registration(machineKey(), "racer", credential(issued))).name();
            } catch (PreAuthKeyRefusedException e) {
                return e.reason().name();
            }
        });

        assertThat(outcomes).containsOnlyOnce("racer");
        assertThat(outcomes).filteredOn("USED"::equals).hasSize(THREADS - 1);
        assertThat(store.listNodes()).hasSize(1);
    }

    @Test
    void anAuthRequestIsCompletedOnceByRacingCallers() throws Exception {
        User alice = user("alice");
        AuthRequest request = store.createAuthRequest(machineKey(), nodeKey(), "laptop", null,
                T0.plus(Duration.ofMinutes(10)));
        Store other = open();
        List<AuthCompletion.Status> outcomes = race(THREADS, i -> () ->
                (i % 2 == 0 ? store : other).completeAuthRequest(request.id(), alice.id(), T0).status());

        assertThat(outcomes).filteredOn(s -> s == AuthCompletion.Status.COMPLETED).hasSize(1);
        assertThat(outcomes).filteredOn(s -> s == AuthCompletion.Status.ALREADY_COMPLETED).hasSize(THREADS - 1);
    }

    @Test
    void racingRegistrationsGetDistinctAddressesAndNames() throws Exception {
        User alice = user("alice");
        Store other = open();
        int perThread = 4;
        List<List<Node>> results = race(THREADS, i -> () -> {
            List<Node> mine = new ArrayList<>();
            for (int j = 0; j < perThread; j++) {
                mine.add((i % 2 == 0 ? store : other).registerNode(registration(machineKey(), "box", login(alice))));
            }
            return mine;
        });

        List<Node> nodes = results.stream().flatMap(List::stream).toList();
        int total = THREADS * perThread;
        assertThat(nodes).extracting(Node::ipv4).doesNotHaveDuplicates().hasSize(total);
        assertThat(nodes).extracting(Node::ipv6).doesNotHaveDuplicates();
        Set<String> expectedNames = new HashSet<>();
        expectedNames.add("box");
        for (int n = 1; n < total; n++) {
            expectedNames.add("box-" + n);
        }
        assertThat(nodes).extracting(Node::name).containsExactlyInAnyOrderElementsOf(expectedNames);
        assertThat(store.listNodes()).hasSize(total);
    }

    @Test
    void racingProcessesAgreeOnOneControlKey() throws Exception {
        Store other = open();
        SecureRandom random = new SecureRandom();
        List<byte[]> keys = race(THREADS, i -> () -> (i % 2 == 0 ? store : other).controlPrivateKey(() -> {
            byte[] k = new byte[32];
            random.nextBytes(k);
            return k;
        }));

        for (byte[] k : keys) {
            assertThat(k).isEqualTo(keys.getFirst());
        }
        assertThat(open().controlPrivateKey(() -> new byte[] {9})).isEqualTo(keys.getFirst());
    }

    @Test
    void reopeningKeepsEverything() {
        User alice = user("alice");
        IssuedPreAuthKey key = store.createPreAuthKey(alice.id(), true, false, T0.plusSeconds(3600), List.of("tag:a"));
        Node viaKey = store.registerNode(registration(machineKey(), "keyed", credential(key)));
        register(alice, "plain");
        store.touchLastSeen(viaKey.id(), T0.plusSeconds(5));
        AuthRequest request = store.createAuthRequest(machineKey(), nodeKey(), "pending", "{}", T0.plusSeconds(600));
        store.createApiKey(null);
        byte[] control = store.controlPrivateKey(() -> new byte[] {7, 7});
        List<User> users = store.listUsers();
        List<PreAuthKey> keys = store.listPreAuthKeys();
        List<Node> nodes = store.listNodes();
        List<ApiKey> apiKeys = store.listApiKeys();

        reopen();

        assertThat(store.listUsers()).isEqualTo(users);
        assertThat(store.listPreAuthKeys()).isEqualTo(keys);
        assertThat(store.listNodes()).isEqualTo(nodes);
        assertThat(store.listApiKeys()).isEqualTo(apiKeys);
        assertThat(store.authRequestById(request.id())).contains(request);
        assertThat(store.controlPrivateKey(() -> new byte[] {1})).isEqualTo(control);
        // Allocation continues where it stopped.
        assertThat(register(alice, "plain").name()).isEqualTo("plain-1");
        assertThat(store.listNodes().getLast().ipv4().getHostAddress()).isEqualTo("100.64.0.3");
    }

    @Test
    void everyReportedRegistrationSurvivesKillMinus9() throws Exception {
        User user = user("crash");
        Path stderr = tempDir.resolve("child.err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName()));
        command.addAll(database.childArgs());
        command.add(Long.toString(user.id()));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The child was killed mid-line; complete lines are already queued.
            }
        });
        List<Long> committed = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_DEADLINE_SECONDS);
            while (committed.size() < CRASH_AFTER_COMMITS) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("the child reported " + committed.size() + " commits in "
                            + CHILD_DEADLINE_SECONDS + " s (alive: " + child.isAlive() + "); its stderr: "
                            + Files.readString(stderr));
                }
                if (line.startsWith(CrashingWriter.COMMITTED)) {
                    committed.add(Long.parseLong(line.substring(CrashingWriter.COMMITTED.length())));
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no pool close, mid-transaction
            assertThat(child.waitFor(CHILD_DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        }
        reader.join(TimeUnit.SECONDS.toMillis(CHILD_DEADLINE_SECONDS));
        for (String line : lines) {
            if (line.startsWith(CrashingWriter.COMMITTED)) {
                committed.add(Long.parseLong(line.substring(CrashingWriter.COMMITTED.length())));
            }
        }

        reopen();

        assertThat(store.listNodes()).extracting(Node::id).containsAll(committed);
        assertThat(committed).hasSizeGreaterThanOrEqualTo(CRASH_AFTER_COMMITS);
    }

    private Secrets.KeyText oneShotKey() {
        User alice = user("alice");
        return Secrets.parse(Secrets.Kind.PRE_AUTH,
                store.createPreAuthKey(alice.id(), false, false, null, List.of()).text());
    }
}
