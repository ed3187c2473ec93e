package dev.trellis.desktop.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Notice;
import dev.trellis.desktop.testing.SessionBus;
import dev.trellis.desktop.testing.Waits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notifications through a real notification service: dunst, on a private session bus and the test's Xvfb. */
class DbusNotifierTest {
    @TempDir
    Path dir;

    @Test
    void aNoticeReachesTheDesktopsNotificationServiceAndReplacesItsKind() throws Exception {
        try (SessionBus bus = SessionBus.start(dir)) {
            bus.run("dunst", Map.of(), "dunst");
            Waits.until(Duration.ofSeconds(10), () -> {
                try {
                    return bus.exec(Duration.ofSeconds(5), "dunstctl", "is-paused").strip().equals("false");
                } catch (Exception e) {
                    return false;
                }
            }, "dunst on the bus");
            List<Notice> fallback = new CopyOnWriteArrayList<>();
            DbusNotifier n = DbusNotifier.open(bus.address(), fallback::add, 5000);
            assertThat(n).as("a notifier for the bus with dunst").isNotNull();
            try {
                n.show(new Notice(Notice.Kind.CONNECTED, "Trellis: connected", "This device is laptop (100.64.0.1)."));
                Waits.until(Duration.ofSeconds(10), () -> count(bus) == 1, "dunst to show the notice");
                n.show(new Notice(Notice.Kind.CONNECTED, "Trellis: connected", "again"));
                n.show(new Notice(Notice.Kind.KEY_EXPIRING, "Trellis: log in again soon", "in 3 days"));
                // The second CONNECTED replaced the first: two on screen, not three.
                Waits.until(Duration.ofSeconds(10), () -> count(bus) == 2, "dunst to show two notices");
                assertThat(fallback).isEmpty();
            } finally {
                n.close();
            }
        }
    }

    private static int count(SessionBus bus) {
        try {
            return Integer.parseInt(bus.exec(Duration.ofSeconds(5), "dunstctl", "count", "displayed").strip());
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void noServiceOrNoBusMeansNoNotifier() throws Exception {
        assertThat(DbusNotifier.open(null, notice -> { }, 1000)).isNull();
        assertThat(DbusNotifier.open("unix:path=" + dir.resolve("nobody-here"), notice -> { }, 2000)).isNull();
        try (SessionBus bus = SessionBus.start(dir)) {
            long t0 = System.nanoTime();
            assertThat(DbusNotifier.open(bus.address(), notice -> { }, 2000)).isNull();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
