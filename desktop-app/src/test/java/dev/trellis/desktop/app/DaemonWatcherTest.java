package dev.trellis.desktop.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.desktop.model.DaemonSnapshot.Reach;
import dev.trellis.desktop.testing.FakeDaemon;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonWatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final BlockingQueue<DaemonSnapshot> snapshots = new LinkedBlockingQueue<>();
    private final BlockingQueue<Notify> notifies = new LinkedBlockingQueue<>();

    private DaemonWatcher watcher(Path socket, Duration poll) {
        return new DaemonWatcher(new UnixSocketLocalApi(socket, Duration.ofSeconds(5), "trellis-desktop/test"),
                Clock.systemUTC(), poll, Duration.ofMillis(100), snapshots::add, notifies::add);
    }

    private DaemonSnapshot await(Predicate<DaemonSnapshot> what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        DaemonSnapshot last = null;
        while (System.nanoTime() < deadline) {
            DaemonSnapshot s = snapshots.poll(100, TimeUnit.MILLISECONDS);
            if (s != null) {
                last = s;
                if (what.test(s)) {
                    return s;
                }
            }
        }
        throw new AssertionError("no such snapshot within " + WAIT + "; last: " + last);
    }

    @Test
    void noDaemonIsUnreachableWithTheFixThenTheDaemonIsNoticedWhenItStarts() throws Exception {
        Path socket = dir.resolve("trellisd.sock");
        try (DaemonWatcher w = watcher(socket, Duration.ofSeconds(30))) {
            w.start();
            DaemonSnapshot down = await(s -> s.reach() == Reach.UNREACHABLE);
            assertThat(down.problem()).contains("not running");
            assertThat(down.fix()).contains("systemctl start trellisd");
            // The daemon comes up later: noticed through the bus retry, long before the 30 s poll.
            try (FakeDaemon d = new FakeDaemon(socket, Fixtures.running(), Fixtures.prefs(true))) {
                DaemonSnapshot up = await(s -> s.reach() == Reach.OK);
                assertThat(up.status().backendState()).isEqualTo(BackendState.RUNNING);
                assertThat(up.prefs().controlUrl()).isEqualTo(Fixtures.CONTROL_URL);
            }
        }
    }

    @Test
    void aNotificationForwardsAndRefreshesAtOnce() throws Exception {
        Path socket = dir.resolve("trellisd.sock");
        try (FakeDaemon d = new FakeDaemon(socket, Fixtures.running(), Fixtures.prefs(true));
                DaemonWatcher w = watcher(socket, Duration.ofSeconds(60))) {
            w.start();
            await(s -> s.reach() == Reach.OK && s.status().backendState() == BackendState.RUNNING);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (d.watchers() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(d.watchers()).isEqualTo(1);
            d.set(Fixtures.snapshot(Fixtures.Scenario.STOPPED).status(), Fixtures.prefs(false));
            d.publish(Notify.ofState("x", BackendState.STOPPED));
            // Only the notification can explain a refresh this soon: the poll is a minute.
            DaemonSnapshot stopped = await(s -> s.reach() == Reach.OK
                    && s.status().backendState() == BackendState.STOPPED);
            assertThat(stopped.prefs().wantRunning()).isFalse();
            Notify n = notifies.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            while (n != null && n.state() != BackendState.STOPPED) {
                n = notifies.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            assertThat(n).isNotNull();
        }
    }

    @Test
    void theDaemonGoingAwayIsReportedAndItsReturnNoticed() throws Exception {
        Path socket = dir.resolve("trellisd.sock");
        try (DaemonWatcher w = watcher(socket, Duration.ofMillis(200))) {
            FakeDaemon d = new FakeDaemon(socket, Fixtures.running(), Fixtures.prefs(true));
            w.start();
            await(s -> s.reach() == Reach.OK);
            d.close();
            java.nio.file.Files.deleteIfExists(socket);
            await(s -> s.reach() == Reach.UNREACHABLE);
            try (FakeDaemon again = new FakeDaemon(socket, Fixtures.running(), Fixtures.prefs(true))) {
                await(s -> s.reach() == Reach.OK);
            }
        }
    }

    @Test
    void aSocketThatRefusesTheUserIsDeniedWithWhatToDo() throws Exception {
        Path socket = dir.resolve("trellisd.sock");
        try (FakeDaemon d = new FakeDaemon(socket, Fixtures.running(), Fixtures.prefs(true))) {
            java.nio.file.Files.setPosixFilePermissions(socket, java.util.Set.of());
            // Root passes permission checks, so the denial is shown through the mapping itself.
            DaemonSnapshot s = Failures.snapshot(new dev.trellis.protocol.localapi.client.PermissionDeniedException(
                    "cannot open " + socket, "trellis"), java.time.Instant.EPOCH);
            assertThat(s.reach()).isEqualTo(Reach.DENIED);
            assertThat(s.fix()).contains("usermod -aG trellis");
        }
    }

    @Test
    void closeStopsPromptly() throws Exception {
        Path socket = dir.resolve("trellisd.sock");
        try (FakeDaemon d = new FakeDaemon(socket, Fixtures.running(), Fixtures.prefs(true))) {
            DaemonWatcher w = watcher(socket, Duration.ofSeconds(60));
            w.start();
            await(s -> s.reach() == Reach.OK);
            long t0 = System.nanoTime();
            w.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
            // The subscription was hung up: the fake learns it on its next write.
            d.publish(Notify.ofState("x", BackendState.RUNNING));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (d.watchers() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(d.watchers()).isZero();
        }
    }
}
