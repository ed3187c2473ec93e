package dev.trellis.desktop.ui;

import static dev.trellis.desktop.ui.Harness.fx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import javafx.scene.control.TableColumn;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The list's columns get at least their own widths when the window has room, however the window
 * came to show the list: here it starts logged out (no list laid out) and then connects, as a
 * real login does.
 */
@ExtendWith(ApplicationExtension.class)
class ColumnWidthsTest {
    private Harness h;

    @Start
    void start(Stage stage) {
        h = Harness.open(stage, Fixtures.view(Scenario.LOGGED_OUT));
    }

    @Test
    void afterLoggingInEveryColumnHasItsOwnWidth(FxRobot robot) {
        h.show(robot, Fixtures.view(Scenario.CONNECTED));
        Harness.await("the list laid out", () -> h.table().getWidth() > 0 && !h.table().getItems().isEmpty());
        robot.interact(() -> { });
        for (TableColumn<PeerRow, ?> c : fx(() -> h.table().getColumns())) {
            assertThat(fx(c::getWidth)).as(c.getText()).isGreaterThanOrEqualTo(c.getPrefWidth() - 0.5);
        }
    }
}
