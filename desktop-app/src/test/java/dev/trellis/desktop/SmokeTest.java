package dev.trellis.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class SmokeTest {
    @Start
    void start(Stage stage) {
        stage.setScene(new Scene(new Label("hello"), 200, 100));
        stage.show();
    }

    @Test
    void shows(FxRobot robot) {
        assertThat(robot.lookup(".label").queryAs(Label.class).getText()).isEqualTo("hello");
        assertThat(System.getenv("DISPLAY")).startsWith(":");
        assertThat(java.awt.GraphicsEnvironment.isHeadless()).isFalse();
    }
}
