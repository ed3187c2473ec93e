package dev.trellis.desktop.ui;

import static dev.trellis.desktop.ui.Harness.fx;
import static dev.trellis.desktop.ui.Harness.shown;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Preferences;
import dev.trellis.desktop.testing.Fixtures;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The Preferences dialog validates the login server, returns the edits on OK, and logs out only when confirmed. */
@ExtendWith(ApplicationExtension.class)
class PreferencesDialogTest {
    private static final Preferences CURRENT = new Preferences(Fixtures.CONTROL_URL, true, true, false);

    private final List<Preferences> saved = new CopyOnWriteArrayList<>();
    private final AtomicInteger logOuts = new AtomicInteger();
    private PreferencesDialog dialog;

    @Start
    void start(Stage stage) {
        stage.setScene(new Scene(new Pane(), 200, 100));
        stage.show();
        dialog = new PreferencesDialog(stage, CURRENT, logOuts::incrementAndGet, saved::add);
        dialog.show();
    }

    private void typeServer(FxRobot robot, String text) {
        robot.interact(() -> robot.lookup("#login-server").queryAs(TextField.class).setText(text));
    }

    private String error(FxRobot robot) {
        Label l = robot.lookup("#login-server-error").queryAs(Label.class);
        return fx(() -> shown(l) ? l.getText() : null);
    }

    @Test
    void showsTheCurrentPreferences(FxRobot robot) {
        assertThat(robot.lookup("#login-server").queryAs(TextField.class).getText()).isEqualTo(Fixtures.CONTROL_URL);
        assertThat(robot.lookup("#accept-dns").queryAs(CheckBox.class).isSelected()).isTrue();
        assertThat(robot.lookup("#start-at-login").queryAs(CheckBox.class).isSelected()).isTrue();
        assertThat(robot.lookup("#connect-on-start").queryAs(CheckBox.class).isSelected()).isFalse();
        assertThat(error(robot)).isNull();
        assertThat(robot.lookup("#login-server-note").queryAs(Label.class).getText()).contains("empty");
    }

    @Test
    void theLoginServerMustBeEmptyOrAnHttpUrlWithAHost(FxRobot robot) {
        Button ok = robot.lookup("#ok").queryButton();
        for (String bad : List.of("ftp://login.example.com", "login.example.com", "https://", "https:///path",
                "http://exa mple.com", "https://" + "a".repeat(LoginServers.MAX_LENGTH))) {
            typeServer(robot, bad);
            assertThat(error(robot)).as(bad).isNotNull();
            assertThat(ok.isDisabled()).as(bad).isTrue();
            assertThat(robot.lookup("#login-server").query().getStyleClass()).contains("error");
        }
        for (String good : List.of("", "  ", "https://login.example.com", "http://127.0.0.1:8080/",
                "HTTPS://Login.Example.com/base")) {
            typeServer(robot, good);
            assertThat(error(robot)).as(good).isNull();
            assertThat(ok.isDisabled()).as(good).isFalse();
        }
    }

    @Test
    void changingTheServerSaysItTakesEffectAtTheNextLogin(FxRobot robot) {
        robot.clickOn("#login-server").push(KeyCode.CONTROL, KeyCode.A).write("https://new.example.test");
        Harness.await("typed", () -> robot.lookup("#login-server").queryAs(TextField.class).getText()
                .equals("https://new.example.test"));
        assertThat(robot.lookup("#login-server-note").queryAs(Label.class).getText())
                .isEqualTo("A new login server takes effect at the next login.");
        robot.clickOn("#accept-dns");
        robot.clickOn("#connect-on-start");
        robot.clickOn("#ok");
        assertThat(saved).containsExactly(new Preferences("https://new.example.test", false, true, true));
        assertThat(dialog.result()).contains(saved.getFirst());
        assertThat(fx(() -> dialog.stage().isShowing())).isFalse();
        assertThat(logOuts).hasValue(0);
    }

    @Test
    void enterIsOkAndAnInvalidUrlIsNotSaved(FxRobot robot) {
        typeServer(robot, "nope://x");
        robot.clickOn("#login-server").type(KeyCode.ENTER);
        assertThat(saved).isEmpty();
        assertThat(fx(() -> dialog.stage().isShowing())).isTrue();
        typeServer(robot, "");
        robot.clickOn("#login-server").type(KeyCode.ENTER);
        assertThat(saved).containsExactly(new Preferences("", true, true, false));
    }

    @Test
    void cancelAndEscapeDropTheEdits(FxRobot robot) {
        typeServer(robot, "https://other.example");
        robot.clickOn("#cancel");
        assertThat(fx(() -> dialog.stage().isShowing())).isFalse();
        assertThat(saved).isEmpty();
        assertThat(dialog.result()).isEmpty();

        robot.interact(() -> dialog.show());
        robot.clickOn("#login-server").type(KeyCode.ESCAPE);
        assertThat(fx(() -> dialog.stage().isShowing())).isFalse();
        assertThat(saved).isEmpty();
    }

    @Test
    void logOutAsksFirstThenCallsBack(FxRobot robot) {
        robot.clickOn("#log-out");
        assertThat(fx(() -> shown(robot.lookup("#log-out-confirm").query()))).isTrue();
        robot.clickOn("#keep-logged-in");
        assertThat(fx(() -> shown(robot.lookup("#log-out-confirm").query()))).isFalse();
        assertThat(logOuts).hasValue(0);

        robot.clickOn("#log-out");
        robot.clickOn("#confirm-log-out");
        assertThat(logOuts).hasValue(1);
        assertThat(fx(() -> dialog.stage().isShowing())).isFalse();
        assertThat(saved).isEmpty();
        assertThat(dialog.result()).isEmpty();
    }

    @Test
    void theModalFormReturnsTheEdits(FxRobot robot) throws Exception {
        robot.interact(() -> dialog.stage().close());
        CompletableFuture<Optional<Preferences>> result = new CompletableFuture<>();
        Platform.runLater(() -> result.complete(PreferencesDialog.show(null, CURRENT, () -> {})));
        Harness.await("the modal dialog", () -> robot.lookup("#ok").tryQuery().isPresent());
        robot.clickOn("#start-at-login");
        robot.clickOn("#ok");
        assertThat(result.get(5, TimeUnit.SECONDS)).contains(new Preferences(Fixtures.CONTROL_URL, true, false, false));
    }
}
