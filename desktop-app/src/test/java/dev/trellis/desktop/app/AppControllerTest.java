package dev.trellis.desktop.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.DaemonSnapshot;
import dev.trellis.desktop.model.Preferences;
import dev.trellis.desktop.testing.FakeDaemon;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.client.CannedServer.Request;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private FakeDaemon daemon;
    private AppController controller;
    private final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        Path socket = dir.resolve("trellisd.sock");
        daemon = new FakeDaemon(socket, Fixtures.running(), Fixtures.prefs(true));
        controller = new AppController(new UnixSocketLocalApi(socket, Duration.ofSeconds(5), "test"), opened::add,
                new AppController.Hooks() {
                    @Override
                    public void copy(String text) {
                        events.add("copy " + text);
                    }

                    @Override
                    public void openWindow() {
                        events.add("window");
                    }

                    @Override
                    public void openPreferences(String reason) {
                        events.add("preferences " + reason);
                    }

                    @Override
                    public void quit() {
                        events.add("quit");
                    }

                    @Override
                    public void actionError(String message) {
                        if (message != null) {
                            events.add("error " + message);
                        }
                    }

                    @Override
                    public void refresh() {
                        events.add("refresh");
                    }
                }, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        controller.close();
        daemon.close();
    }

    private String nextEvent() throws InterruptedException {
        String e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(e).as("an event within " + WAIT).isNotNull();
        return e;
    }

    @Test
    void disconnectAndConnectAskTheDaemon() throws Exception {
        controller.onSnapshot(Fixtures.snapshot(Scenario.CONNECTED));
        controller.perform(Action.of(Action.Kind.DISCONNECT));
        Request r = daemon.nextAction(WAIT);
        assertThat(r.method() + " " + r.target()).isEqualTo("PATCH " + LocalApiPaths.PREFS);
        assertThat(r.bodyText()).contains("\"WantRunning\":false").contains("\"WantRunningSet\":true");
        assertThat(nextEvent()).isEqualTo("refresh");

        controller.onSnapshot(Fixtures.snapshot(Scenario.STOPPED));
        controller.perform(Action.of(Action.Kind.CONNECT));
        r = daemon.nextAction(WAIT);
        assertThat(r.method() + " " + r.target()).isEqualTo("POST " + LocalApiPaths.START);
        assertThat(r.bodyText()).contains("\"WantRunning\":true").doesNotContain("AuthKey\":\"");
    }

    @Test
    void logInOpensTheUrlTheDaemonAnnouncesAndOnlyOnce() throws Exception {
        controller.onSnapshot(Fixtures.snapshot(Scenario.LOGGED_OUT));
        controller.perform(Action.of(Action.Kind.LOG_IN));
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.START);
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.LOGIN_INTERACTIVE);
        String url = Fixtures.CONTROL_URL + "/login/abc";
        controller.onNotify(Notify.ofBrowseToUrl("x", url));
        controller.onNotify(Notify.ofBrowseToUrl("x", url));
        assertThat(opened.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(url);
        assertThat(opened).isEmpty();
        // Login done: a later URL (someone else's `trellis login`) opens nothing here.
        controller.onNotify(Notify.ofLoginFinished("x"));
        controller.onNotify(Notify.ofBrowseToUrl("x", url + "2"));
        assertThat(opened).isEmpty();
    }

    @Test
    void aUrlNobodyAskedForIsNeverOpenedAndAFileUrlNever() throws Exception {
        controller.onNotify(Notify.ofBrowseToUrl("x", "https://login.example.test/unasked"));
        assertThat(opened).isEmpty();
        controller.onSnapshot(Fixtures.snapshot(Scenario.LOGGED_OUT));
        controller.perform(Action.of(Action.Kind.LOG_IN));
        daemon.nextAction(WAIT);
        controller.onNotify(Notify.ofBrowseToUrl("x", "file:///etc/passwd"));
        String e;
        do {
            e = nextEvent();
        } while (!e.startsWith("error"));
        assertThat(e).contains("Could not open the login page");
        assertThat(opened).isEmpty();
    }

    @Test
    void connectWhenLoggedOutLogsIn() throws Exception {
        controller.onSnapshot(Fixtures.snapshot(Scenario.LOGGED_OUT));
        controller.perform(Action.of(Action.Kind.CONNECT));
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.START);
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.LOGIN_INTERACTIVE);
    }

    @Test
    void logInWithoutALoginServerAsksForOne() throws Exception {
        controller.onSnapshot(DaemonSnapshot.ok(Fixtures.snapshot(Scenario.LOGGED_OUT).status(), Prefs.NONE,
                Fixtures.NOW));
        controller.perform(Action.of(Action.Kind.LOG_IN));
        assertThat(nextEvent()).startsWith("preferences Enter your login server");
        assertThat(daemon.actions).isEmpty();
    }

    @Test
    void switchingLoginServerSetsItThenLogsIn() throws Exception {
        controller.onSnapshot(Fixtures.snapshot(Scenario.CONNECTED));
        controller.applyPreferences(new Preferences(Fixtures.CONTROL_URL, true, false, false),
                new Preferences("https://other.example.test", false, false, false));
        Request edit = daemon.nextAction(WAIT);
        assertThat(edit.method()).isEqualTo("PATCH");
        assertThat(edit.bodyText()).contains("\"ControlURL\":\"https://other.example.test\"")
                .contains("\"CorpDNS\":false");
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.START);
        assertThat(daemon.nextAction(WAIT).target()).isEqualTo(LocalApiPaths.LOGIN_INTERACTIVE);
        assertThatThrownBy(() -> AppController.checkServerUrl("ftp://x")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> AppController.checkServerUrl("https://")).hasMessageContaining("host");
    }

    @Test
    void aFailedActionSaysWhatToDo() throws Exception {
        daemon.close();
        java.nio.file.Files.deleteIfExists(dir.resolve("trellisd.sock"));
        controller.perform(Action.of(Action.Kind.DISCONNECT));
        assertThat(nextEvent()).startsWith("error Could not disconnect: trellisd is not running")
                .contains("systemctl start trellisd");
    }

    @Test
    void localActionsNeedNoDaemon() throws Exception {
        controller.perform(Action.copy("100.64.0.2"));
        controller.perform(Action.of(Action.Kind.OPEN_WINDOW));
        controller.perform(Action.of(Action.Kind.QUIT));
        assertThat(nextEvent()).isEqualTo("copy 100.64.0.2");
        assertThat(nextEvent()).isEqualTo("window");
        assertThat(nextEvent()).isEqualTo("quit");
    }
}
