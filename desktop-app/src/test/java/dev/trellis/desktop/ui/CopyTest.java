package dev.trellis.desktop.ui;

import static dev.trellis.desktop.ui.Harness.assertClipboard;
import static dev.trellis.desktop.ui.Harness.clearClipboard;
import static dev.trellis.desktop.ui.Harness.fx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import javafx.scene.control.Button;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * Every way to copy puts the right text on the real system clipboard: the handler is wired to
 * {@link Clipboards#copy} as the app wires it, and the test reads the clipboard back.
 */
@ExtendWith(ApplicationExtension.class)
class CopyTest {
    private Harness h;

    @Start
    void start(Stage stage) {
        h = Harness.open(stage, Fixtures.view(Scenario.CONNECTED));
    }

    @BeforeEach
    void emptyClipboard() {
        clearClipboard();
    }

    @Test
    void copyButtonsCopyTheSelectedPeersAddressAndDnsName(FxRobot robot) {
        assertThat(robot.lookup("#copy-address").queryButton().isDisabled()).as("nothing selected").isTrue();
        robot.clickOn("server");
        Harness.await("copy enabled", () -> !robot.lookup("#copy-address").queryButton().isDisabled());
        robot.clickOn("#copy-address");
        assertClipboard("100.64.0.2");
        robot.clickOn("#copy-dns");
        assertClipboard("server.alice.trellis.internal");
        assertThat(h.actions).containsExactly(Action.copy("100.64.0.2"), Action.copy("server.alice.trellis.internal"));
    }

    @Test
    void ctrlCCopiesTheAddressAndCtrlShiftCTheDnsName(FxRobot robot) {
        robot.clickOn("nas");
        robot.push(KeyCode.CONTROL, KeyCode.C);
        assertClipboard("100.64.0.4");
        robot.push(KeyCode.CONTROL, KeyCode.SHIFT, KeyCode.C);
        assertClipboard("nas.alice.trellis.internal");
        robot.type(KeyCode.DOWN); // the next peer by name
        robot.push(KeyCode.CONTROL, KeyCode.C);
        assertClipboard("100.64.0.3");
    }

    @Test
    void theRowsContextMenuCopiesEachAddressAndTheDnsName(FxRobot robot) {
        robot.rightClickOn("phone");
        robot.clickOn("Copy fd7a:115c:a1e0::3");
        assertClipboard("fd7a:115c:a1e0::3");
        robot.rightClickOn("server");
        robot.clickOn("Copy 100.64.0.2");
        assertClipboard("100.64.0.2");
        robot.rightClickOn("server");
        robot.clickOn("Copy DNS name (server.alice.trellis.internal)");
        assertClipboard("server.alice.trellis.internal");
    }

    @Test
    void theMenuKeyOpensTheSelectedPeersMenu(FxRobot robot) {
        robot.clickOn("nas");
        robot.push(KeyCode.SHIFT, KeyCode.F10);
        robot.clickOn("Copy DNS name (nas.alice.trellis.internal)");
        assertClipboard("nas.alice.trellis.internal");
        robot.clickOn("nas");
        // Xvfb's keymap has no Menu key for the robot to press: deliver the key event itself.
        robot.interact(() -> h.table().fireEvent(new KeyEvent(KeyEvent.KEY_PRESSED, "", "", KeyCode.CONTEXT_MENU,
                false, false, false, false)));
        robot.clickOn("Copy 100.64.0.4");
        assertClipboard("100.64.0.4");
    }

    @Test
    void thisDevicesAddressesAndDnsNameCopy(FxRobot robot) {
        robot.clickOn("#copy-device-address-0");
        assertClipboard("100.64.0.1");
        robot.clickOn("#copy-device-address-1");
        assertClipboard("fd7a:115c:a1e0::1");
        robot.clickOn("#copy-device-dns");
        assertClipboard("laptop.alice.trellis.internal");
    }

    @Test
    void copyButtonsCanBePressedFromTheKeyboard(FxRobot robot) {
        Button copy = robot.lookup("#copy-device-dns").queryButton();
        robot.interact(copy::requestFocus);
        robot.type(KeyCode.ENTER);
        assertClipboard("laptop.alice.trellis.internal");
        clearClipboard();
        robot.type(KeyCode.SPACE);
        assertClipboard("laptop.alice.trellis.internal");
        assertThat(fx(() -> h.actions.size())).as("one copy per press").isEqualTo(2);
    }
}
