package dev.trellis.desktop.ui;

import static dev.trellis.desktop.ui.Harness.fx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import javafx.scene.Node;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The window works without a mouse: Ctrl+F, Escape, Tab to the table, Enter and Space, mnemonics. */
@ExtendWith(ApplicationExtension.class)
class KeyboardTest {
    private Harness h;

    @Start
    void start(Stage stage) {
        h = Harness.open(stage, Fixtures.view(Scenario.CONNECTED));
    }

    private Node focusOwner() {
        return fx(() -> h.window.stage().getScene().getFocusOwner());
    }

    @Test
    void ctrlFFocusesTheSearchAndEscapeClearsIt(FxRobot robot) {
        robot.clickOn("#device-name");
        robot.push(KeyCode.CONTROL, KeyCode.F);
        TextField search = robot.lookup("#search").queryAs(TextField.class);
        Harness.await("search focused", search::isFocused);
        robot.write("phone");
        Harness.await("filtered", () -> h.table().getItems().size() == 1);
        robot.type(KeyCode.ESCAPE);
        Harness.await("cleared", () -> search.getText().isEmpty());
        assertThat(fx(() -> h.table().getItems().size())).isEqualTo(4);
    }

    @Test
    void tabGoesFromTheSearchToTheTable(FxRobot robot) {
        robot.push(KeyCode.CONTROL, KeyCode.F);
        Harness.await("search focused", () -> robot.lookup("#search").query().isFocused());
        for (int i = 0; i < 4 && focusOwner() != h.table(); i++) {
            robot.type(KeyCode.TAB);
        }
        assertThat(focusOwner()).isSameAs(h.table());
        robot.type(KeyCode.DOWN);
        Harness.await("a row selected", () -> h.table().selected() != null);
    }

    @Test
    void tabReachesEveryButtonOfTheHeader(FxRobot robot) {
        robot.interact(() -> robot.lookup("#primary").query().requestFocus());
        robot.type(KeyCode.TAB);
        assertThat(focusOwner().getId()).isEqualTo("preferences");
        robot.push(KeyCode.SHIFT, KeyCode.TAB);
        assertThat(focusOwner().getId()).isEqualTo("primary");
    }

    @Test
    void enterAndSpacePressTheFocusedButtonOnce(FxRobot robot) {
        robot.interact(() -> robot.lookup("#primary").query().requestFocus());
        robot.type(KeyCode.ENTER);
        Harness.await("one press", () -> h.actions.size() == 1);
        robot.type(KeyCode.SPACE);
        Harness.await("two presses", () -> h.actions.size() == 2);
        assertThat(h.actions).containsExactly(Action.of(Kind.DISCONNECT), Action.of(Kind.DISCONNECT));
        robot.interact(() -> robot.lookup("#preferences").query().requestFocus());
        robot.type(KeyCode.ENTER);
        Harness.await("preferences", () -> h.actions.size() == 3);
        assertThat(h.actions.getLast()).isEqualTo(Action.of(Kind.PREFERENCES));
    }

    @Test
    void mnemonicsPressTheHeaderButtons(FxRobot robot) {
        robot.clickOn("#device-name");
        robot.push(KeyCode.ALT, KeyCode.D);
        Harness.await("disconnect", () -> h.actions.contains(Action.of(Kind.DISCONNECT)));
        robot.push(KeyCode.ALT, KeyCode.P);
        Harness.await("preferences", () -> h.actions.contains(Action.of(Kind.PREFERENCES)));
        h.show(robot, Fixtures.view(Scenario.STOPPED));
        robot.push(KeyCode.ALT, KeyCode.C);
        Harness.await("connect", () -> h.actions.contains(Action.of(Kind.CONNECT)));
    }

    @Test
    void focusIsVisibleOnButtonsReachedByKeyboard(FxRobot robot) {
        robot.interact(() -> robot.lookup("#primary").query().requestFocus());
        robot.type(KeyCode.TAB);
        Node prefs = robot.lookup("#preferences").query();
        Harness.await("focus-visible", () -> prefs.getPseudoClassStates().stream()
                .anyMatch(p -> p.getPseudoClassName().equals("focus-visible")));
    }
}
