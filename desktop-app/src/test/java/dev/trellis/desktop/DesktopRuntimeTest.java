package dev.trellis.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Notice;
import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.platform.AppSettings;
import dev.trellis.desktop.platform.Autostart;
import dev.trellis.desktop.testing.FakeDaemon;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import dev.trellis.desktop.tray.Tray;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.input.Clipboard;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The whole app (window, controller, watcher, notifications, state file) against a fake daemon
 * on a real Unix socket through the real LocalAPI client; the tray is a recording one here (the
 * real trays have their own tests), and clicks on it are its handler's calls.
 */
@ExtendWith(ApplicationExtension.class)
class DesktopRuntimeTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Path dir;
    private FakeDaemon daemon;
    private DesktopRuntime runtime;
    private final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
    private final List<Notice> notices = new CopyOnWriteArrayList<>();
    private final RecordingTray tray = new RecordingTray();

    @Start
    void start(Stage stage) throws Exception {
        dir = Files.createTempDirectory("trellis-desktop-test");
        Path socket = dir.resolve("trellisd.sock");
        daemon = new FakeDaemon(socket, Fixtures.snapshot(Scenario.LOGGED_OUT).status(),
                Fixtures.snapshot(Scenario.LOGGED_OUT).prefs());
        DesktopRuntime.Parts parts = new DesktopRuntime.Parts(
                new UnixSocketLocalApi(socket, Duration.ofSeconds(5), "trellis-desktop/test"), opened::add,
                Clock.systemUTC(), handler -> {
                    tray.handler = handler;
                    return tray;
                }, notices::add, new AppSettings(dir.resolve("desktop.properties")),
                new Autostart(dir.resolve("autostart/trellis-desktop.desktop"), List.of("/bin/true")),
                Duration.ofMillis(300), Duration.ofMillis(100), false, dir.resolve("state.json"),
                System.currentTimeMillis(), null);
        runtime = new DesktopRuntime(stage, parts);
        runtime.start();
    }

    @AfterEach
    void stop() throws Exception {
        WaitForAsyncUtils.asyncFx(runtime::stop).get(10, TimeUnit.SECONDS);
        daemon.close();
    }

    private static void await(String what, Supplier<Boolean> condition) {
        try {
            WaitForAsyncUtils.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS,
                    () -> WaitForAsyncUtils.asyncFx(condition::get).get(5, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        }
    }

    private static String text(FxRobot robot, String query) {
        Node n = robot.lookup(query).query();
        return n instanceof Labeled l ? l.getText()
                : n instanceof javafx.scene.control.TextInputControl t ? t.getText() : String.valueOf(n);
    }

    @SuppressWarnings("unchecked")
    private static List<String> peerNames(FxRobot robot) {
        TableView<Object> t = (TableView<Object>) robot.lookup("#peers").queryAs(TableView.class);
        return t.getItems().stream().map(r -> {
            try {
                java.lang.reflect.Method key = r.getClass().getDeclaredMethod("key");
                key.setAccessible(true);
                return String.valueOf(key.invoke(r));
            } catch (ReflectiveOperationException e) {
                return r.toString();
            }
        }).toList();
    }

    private void runningWith(Map<NodePublicKey, PeerStatus> peers) {
        daemon.set(Fixtures.status(BackendState.RUNNING, Fixtures.self(Fixtures.NOW.plusSeconds(90L * 86400)), peers,
                List.of()), Fixtures.prefs(true));
        daemon.publish(Notify.ofState("fake", BackendState.RUNNING));
    }

    @Test
    void logInOpensTheBrowserAndTheAppShowsConnectedByItself(FxRobot robot) throws Exception {
        await("the logged-out pane", () -> "You are logged out".equals(text(robot, "#state-title")));
        assertThat(tray.last().state()).isEqualTo(TrayState.NEEDS_LOGIN);
        assertThat(notices).extracting(Notice::kind).containsExactly(Notice.Kind.LOGIN_NEEDED);

        robot.clickOn("#login");
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.START);
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.LOGIN_INTERACTIVE);
        String url = Fixtures.CONTROL_URL + "/a/0123456789abcdef";
        daemon.publish(Notify.ofBrowseToUrl("fake", url));
        assertThat(opened.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(url);

        // The person logs in in the browser; the daemon becomes Running; nobody clicks anything.
        runningWith(Fixtures.peers());
        await("Connected", () -> "Connected as alice@example.com".equals(text(robot, "#status-line")));
        await("the peers", () -> peerNames(robot).size() == 4);
        assertThat(tray.last().state()).isEqualTo(TrayState.WARNING); // nas only relayed
        assertThat(tray.last().menu()).extracting(MenuEntry::id).contains("disconnect", "self", "peers");
        await("the connected notice", () -> notices.stream().anyMatch(n -> n.kind() == Notice.Kind.CONNECTED));
        await("the state file", () -> {
            try {
                String s = Files.readString(dir.resolve("state.json"));
                return s.contains("\"state\" : \"WARNING\"") && s.contains("\"pathText\" : \"direct 198.18.0.2:41641\"")
                        && s.contains("\"pathText\" : \"relayed via lab1\"");
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void disconnectFromTheWindowAndConnectFromTheTray(FxRobot robot) throws Exception {
        runningWith(Fixtures.running().peer());
        await("Connected", () -> "Connected as alice@example.com".equals(text(robot, "#status-line")));
        robot.clickOn("#primary");
        var r = daemon.nextAction(WAIT);
        assertThat(r.method() + " " + r.target()).isEqualTo("PATCH " + LocalApiPaths.PREFS);
        assertThat(r.bodyText()).contains("\"WantRunning\":false");
        daemon.set(Fixtures.snapshot(Scenario.STOPPED).status(), Fixtures.prefs(false));
        daemon.publish(Notify.ofState("fake", BackendState.STOPPED));
        await("Disconnected", () -> "Disconnected".equals(text(robot, "#status-line")));
        await("the tray's Connect", () -> tray.last().menu().stream().anyMatch(e -> e.id().equals("connect")));
        assertThat(notices).extracting(Notice::kind).contains(Notice.Kind.DISCONNECTED);

        tray.handler.accept(Action.of(Action.Kind.CONNECT));
        r = daemon.nextAction(WAIT);
        assertThat(r.method() + " " + r.target()).isEqualTo("POST " + LocalApiPaths.START);
        assertThat(r.bodyText()).contains("\"WantRunning\":true");
    }

    @Test
    void theWatchStreamUpdatesTheListLiveKeepingTheSelection(FxRobot robot) throws Exception {
        runningWith(Fixtures.running().peer());
        await("the peers", () -> peerNames(robot).size() == 4 && robot.lookup("server").tryQuery().isPresent());
        robot.clickOn("server");
        Object selected = robot.lookup("#peers").queryAs(TableView.class).getSelectionModel().getSelectedItem();
        assertThat(selected).isNotNull();

        Map<NodePublicKey, PeerStatus> more = Fixtures.running().peer();
        NodePublicKey tablet = NodePublicKey.fromHex("66".repeat(32));
        more = new java.util.LinkedHashMap<>(more);
        more.put(tablet, Fixtures.node(tablet, "tablet", 7, List.of("100.64.0.6"), null, "lab1", 0, 0, true, false, 0,
                null));
        more.remove(Fixtures.PHONE);
        runningWith(more);
        await("tablet in, phone out", () -> peerNames(robot).contains(tablet.toString())
                && !peerNames(robot).contains(Fixtures.PHONE.toString()));
        assertThat(robot.lookup("#peers").queryAs(TableView.class).getSelectionModel().getSelectedItem())
                .isSameAs(selected);
    }

    @Test
    void aCopyFromTheTrayLandsOnTheSystemClipboard(FxRobot robot) throws Exception {
        await("the tray", () -> tray.handler != null && tray.last() != null);
        tray.handler.accept(Action.copy("100.64.0.2"));
        await("the clipboard", () -> "100.64.0.2".equals(Clipboard.getSystemClipboard().getString()));
    }

    @Test
    void theDaemonGoingAwayIsShownAndItsReturnToo(FxRobot robot) throws Exception {
        runningWith(Fixtures.running().peer());
        await("Connected", () -> "Connected as alice@example.com".equals(text(robot, "#status-line")));
        daemon.close();
        Files.deleteIfExists(dir.resolve("trellisd.sock"));
        await("not running", () -> "Trellis is not running".equals(text(robot, "#state-title")));
        assertThat(tray.last().state()).isEqualTo(TrayState.UNREACHABLE);
        assertThat(text(robot, "#fix-command")).isEqualTo("sudo systemctl start trellisd");
        daemon = new FakeDaemon(dir.resolve("trellisd.sock"), Fixtures.running(), Fixtures.prefs(true));
        await("Connected again", () -> "Connected as alice@example.com".equals(text(robot, "#status-line")));
    }

    @Test
    void preferencesReachTheDaemonTheAutostartEntryAndTheSettings(FxRobot robot) throws Exception {
        runningWith(Fixtures.running().peer());
        await("Connected", () -> "Connected as alice@example.com".equals(text(robot, "#status-line")));
        robot.clickOn("#preferences");
        await("the preferences", () -> robot.lookup("#accept-dns").tryQuery().isPresent());
        robot.clickOn("#accept-dns"); // on (the daemon's CorpDNS) → off
        robot.clickOn("#start-at-login");
        robot.clickOn("#connect-on-start");
        robot.clickOn("#ok");
        var r = daemon.nextAction(WAIT);
        assertThat(r.method() + " " + r.target()).isEqualTo("PATCH " + LocalApiPaths.PREFS);
        assertThat(r.bodyText()).contains("\"CorpDNS\":false").doesNotContain("ControlURL\":\"h");
        assertThat(Files.readString(dir.resolve("autostart/trellis-desktop.desktop"))).contains("Exec=/bin/true\n");
        assertThat(new AppSettings(dir.resolve("desktop.properties")).connectOnStart()).isTrue();
        // Log out, from the same dialog, asks first.
        robot.clickOn("#preferences");
        await("the preferences again", () -> robot.lookup("#log-out").tryQuery().isPresent());
        robot.clickOn("#log-out");
        robot.clickOn("#confirm-log-out");
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.LOGOUT);
    }

    /** A tray that records what it was told to show. */
    static final class RecordingTray implements Tray {
        record Update(TrayState state, String tooltip, List<MenuEntry> menu) {}

        final BlockingQueue<Update> updates = new LinkedBlockingQueue<>();
        volatile Update last;
        volatile Consumer<Action> handler;

        Update last() {
            return last;
        }

        @Override
        public String kind() {
            return "test";
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public void update(TrayState state, String tooltip, List<MenuEntry> menu) {
            last = new Update(state, tooltip, menu);
            updates.add(last);
        }

        @Override
        public void close() {}
    }
}
