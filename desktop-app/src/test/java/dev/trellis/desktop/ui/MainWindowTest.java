package dev.trellis.desktop.ui;

import static dev.trellis.desktop.ui.Harness.fx;
import static dev.trellis.desktop.ui.Harness.shown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Every state of the window: the right pane, the right buttons, and what the buttons send. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    private Harness h;

    @Start
    void start(Stage stage) {
        h = Harness.open(stage, Fixtures.view(Scenario.CONNECTED));
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void everyScenarioShowsItsPaneAndItsPrimaryButton(Scenario s, FxRobot robot) {
        h.show(robot, Fixtures.view(s));
        Button primary = robot.lookup("#primary").queryButton();
        Node network = robot.lookup("#network").query();
        Node statePane = h.window.statePane();
        record Expect(StatePane.Kind pane, String primary, Kind sends) {}
        Expect e = switch (s) {
            case LOADING -> new Expect(StatePane.Kind.LOADING, null, null);
            case UNREACHABLE, DENIED, ERROR -> new Expect(StatePane.Kind.PROBLEM, null, null);
            case LOGGED_OUT -> new Expect(StatePane.Kind.LOGGED_OUT, "Log in…", Kind.LOG_IN);
            case STOPPED -> new Expect(null, "Connect", Kind.CONNECT);
            case CONNECTING, CONNECTED, WARNING, NO_PEERS -> new Expect(null, "Disconnect", Kind.DISCONNECT);
        };
        fx(() -> {
            assertThat(shown(statePane)).as("state pane").isEqualTo(e.pane() != null);
            assertThat(shown(network)).as("network").isEqualTo(e.pane() == null);
            if (e.pane() != null) {
                assertThat(h.window.statePane().kind()).isEqualTo(e.pane());
            }
            assertThat(shown(primary)).as("primary button").isEqualTo(e.primary() != null);
            if (e.primary() != null) {
                assertThat(primary.getText().replace("_", "")).isEqualTo(e.primary());
            }
            assertThat(shown(robot.lookup("#preferences").query())).isEqualTo(Fixtures.view(s).backend() != null);
            assertThat(h.window.header().icon().state()).isEqualTo(Fixtures.view(s).state());
            assertThat(h.window.stage().getIcons()).isNotEmpty();
            return null;
        });
        if (e.sends() != null) {
            h.actions.clear();
            robot.clickOn(primary);
            assertThat(h.actions).containsExactly(Action.of(e.sends()));
        }
    }

    @Test
    void problemPanesSayWhatToDoWithTheCommandToCopy(FxRobot robot) {
        h.show(robot, Fixtures.view(Scenario.UNREACHABLE));
        assertThat(robot.lookup("#state-title").queryAs(Label.class).getText()).isEqualTo("Trellis is not running");
        assertThat(robot.lookup("#state-body").queryTextInputControl().getText())
                .contains("no socket at /var/run/trellis/trellisd.sock").contains("sudo systemctl start trellisd");
        assertThat(robot.lookup("#fix-command").queryAs(TextField.class).getText())
                .isEqualTo("sudo systemctl start trellisd");

        h.show(robot, Fixtures.view(Scenario.DENIED));
        assertThat(robot.lookup("#fix-command").queryAs(TextField.class).getText())
                .isEqualTo("sudo usermod -aG trellis $USER");
        Harness.clearClipboard();
        robot.clickOn("#copy-command");
        Harness.assertClipboard("sudo usermod -aG trellis $USER");

        h.show(robot, Fixtures.view(Scenario.ERROR));
        assertThat(robot.lookup("#state-body").queryTextInputControl().getText()).contains("malformed reply");
        assertThat(fx(() -> shown(robot.lookup("#fix-command").query()))).as("no command for an error").isFalse();
    }

    @Test
    void loadingShowsASpinnerAndLoggedOutABigLogInButton(FxRobot robot) {
        h.show(robot, Fixtures.view(Scenario.LOADING));
        assertThat(fx(() -> shown(robot.lookup("#spinner").query()))).isTrue();
        assertThat(robot.lookup("#state-title").queryAs(Label.class).getText()).isEqualTo("Contacting trellisd…");

        h.show(robot, Fixtures.view(Scenario.LOGGED_OUT));
        assertThat(fx(() -> shown(robot.lookup("#spinner").query()))).isFalse();
        h.actions.clear();
        robot.clickOn("#login");
        assertThat(h.actions).containsExactly(Action.of(Kind.LOG_IN));
    }

    @Test
    void stoppedShowsTheDeviceADisconnectedNoteAndConnect(FxRobot robot) {
        h.show(robot, Fixtures.view(Scenario.STOPPED));
        assertThat(fx(() -> shown(robot.lookup("#device").query()))).isTrue();
        assertThat(fx(() -> shown(robot.lookup("#stopped-note").query()))).isTrue();
        assertThat(fx(() -> shown(robot.lookup("#peers").query()))).as("no peer list while stopped").isFalse();
        h.actions.clear();
        robot.clickOn("#stopped-connect");
        assertThat(h.actions).containsExactly(Action.of(Kind.CONNECT));
    }

    @Test
    void noPeersAndConnectingSayWhyTheListIsEmpty(FxRobot robot) {
        h.show(robot, Fixtures.view(Scenario.NO_PEERS));
        assertThat(robot.lookup("#placeholder-title").queryAs(Label.class).getText()).isEqualTo("No other devices yet");
        assertThat(robot.lookup("#placeholder-body").queryAs(Label.class).getText()).contains("same account");
        h.show(robot, Fixtures.view(Scenario.CONNECTING));
        assertThat(robot.lookup("#placeholder-title").queryAs(Label.class).getText()).isEqualTo("Connecting…");
    }

    @Test
    void thisDeviceShowsItsFactsAndWarnsOfAnExpiringKey(FxRobot robot) {
        h.show(robot, Fixtures.view(Scenario.CONNECTED));
        assertThat(robot.lookup("#device-name").queryAs(Label.class).getText()).isEqualTo("laptop");
        assertThat(robot.lookup("#device-dns").queryAs(Label.class).getText()).isEqualTo("laptop.alice.trellis.internal");
        assertThat(robot.lookup("#device-server").queryAs(Label.class).getText()).isEqualTo(Fixtures.CONTROL_URL);
        assertThat(robot.lookup("#device-user").queryAs(Label.class).getText()).isEqualTo("alice@example.com");
        Label expiry = robot.lookup("#device-expiry").queryAs(Label.class);
        assertThat(expiry.getText()).startsWith("in 90 days");
        assertThat(expiry.getStyleClass()).doesNotContain("warning");
        assertThat(fx(() -> shown(robot.lookup("#warnings").query()))).isFalse();

        h.show(robot, Fixtures.view(Scenario.WARNING));
        assertThat(expiry.getText()).startsWith("in 3 days");
        assertThat(expiry.getStyleClass()).contains("warning");
        assertThat(fx(() -> shown(robot.lookup("#warnings").query()))).isTrue();
        assertThat(fx(() -> h.window.warnings().shownLines())).containsExactlyElementsOf(
                Fixtures.view(Scenario.WARNING).warnings());
    }

    @Test
    void thePeerListShowsDirectAndRelayedPathsDifferently(FxRobot robot) {
        h.show(robot, Fixtures.view(Scenario.WARNING));
        Map<String, String> tags = fx(() -> robot.lookup(".path-tag").queryAllAs(Label.class).stream()
                .filter(l -> Harness.rowOf(l) != null && Harness.rowOf(l).getItem() != null)
                .collect(Collectors.toMap(l -> ((PeerRow) Harness.rowOf(l).getItem()).view().name(),
                        l -> l.getText() + "|" + String.join(",", l.getStyleClass()) + "|"
                                + ((TableCell<?, ?>) l.getParent()).getText())));
        assertThat(tags.get("server")).isEqualTo("direct|label,path-tag,direct|198.18.0.2:41641");
        assertThat(tags.get("nas")).isEqualTo("relayed|label,path-tag,relayed|via lab1");
        assertThat(tags.get("phone")).isEqualTo("offline|label,path-tag,none|");
        PeerRow phone = h.table().row(Fixtures.PHONE.toString());
        assertThat(phone.seenProperty().getValue().text()).isEqualTo("2 hours ago");
        assertThat(phone.nameProperty().getValue().online()).isFalse();
        assertThat(h.table().row(Fixtures.SERVER.toString()).seenProperty().getValue().text()).isEqualTo("Online");
    }

    @Test
    void bannersForNoTrayAndForAFailedAction(FxRobot robot) {
        robot.interact(() -> h.window.setTrayNotice("no StatusNotifierWatcher on the session bus"));
        assertThat(h.window.trayNoticeBanner().message()).contains("no StatusNotifierWatcher").contains("this window");
        assertThat(fx(() -> shown(h.window.trayNoticeBanner()))).isTrue();
        robot.interact(() -> h.window.showActionError("Connect failed: trellisd said no"));
        assertThat(fx(() -> shown(h.window.actionErrorBanner()))).isTrue();
        robot.clickOn(h.window.actionErrorBanner().closeButton());
        assertThat(fx(() -> shown(h.window.actionErrorBanner()))).as("dismissed").isFalse();
        assertThat(fx(() -> shown(h.window.trayNoticeBanner()))).as("the tray notice stays").isTrue();
        robot.interact(() -> h.window.setTrayNotice(null));
        assertThat(fx(() -> shown(h.window.trayNoticeBanner()))).isFalse();
    }

    @Test
    void theHeaderIconIsRenderedAtTheOutputScale(FxRobot robot) {
        double scale = fx(() -> h.window.stage().getOutputScaleX());
        assertThat(fx(() -> h.window.header().icon().pixelWidth())).isEqualTo(Math.ceil(28 * Math.max(1, scale)));
        assertThat(StateImages.forScale(TrayState.CONNECTED, 28, 2.0).getWidth()).isEqualTo(56);
        assertThat(StateImages.forScale(TrayState.CONNECTED, 28, 1.25).getWidth()).isEqualTo(35);
        assertThat(StateImages.windowIcons(TrayState.ERROR).stream().map(i -> (int) i.getWidth()).toList())
                .isEqualTo(List.of(16, 24, 32, 48, 64, 128, 256));
    }

    @Test
    void showRefusesOtherThreads() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.window.show(Fixtures.view(Scenario.CONNECTED),
                Fixtures.NOW)).isInstanceOf(IllegalStateException.class).hasMessageContaining("JavaFX thread");
    }
}
