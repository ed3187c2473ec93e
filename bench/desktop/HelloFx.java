import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/**
 * The floor for bench/desktop.sh: the smallest JavaFX window, started from the class path like
 * the app (a plain main that launches the Application) and timed the same way: JVM start until
 * the first pulse after the window is shown.
 */
public final class HelloFx {
    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }

    public static final class Window extends Application {
        @Override
        public void start(Stage stage) {
            stage.setScene(new Scene(new Label("hello"), 400, 200));
            stage.show();
            Platform.runLater(() -> {
                long ms = System.currentTimeMillis()
                        - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
                System.out.println("ready_ms=" + ms);
                System.out.flush();
            });
        }
    }
}
