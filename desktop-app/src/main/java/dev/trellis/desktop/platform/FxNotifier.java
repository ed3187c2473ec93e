package dev.trellis.desktop.platform;

import dev.trellis.desktop.model.Notice;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;

/** Notifications as ControlsFX popups in the screen's corner, for desktops without a notification service. */
public final class FxNotifier implements Notifier {
    private final boolean dark;

    public FxNotifier(boolean dark) {
        this.dark = dark;
    }

    @Override
    public void show(Notice notice) {
        Platform.runLater(() -> {
            Notifications n = Notifications.create()
                    .title(notice.title())
                    .text(notice.body())
                    .position(Pos.TOP_RIGHT)
                    .hideAfter(Duration.seconds(6));
            if (dark) {
                n.darkStyle();
            }
            if (notice.kind() == Notice.Kind.ERROR || notice.kind() == Notice.Kind.KEY_EXPIRING
                    || notice.kind() == Notice.Kind.LOGIN_NEEDED) {
                n.showWarning();
            } else {
                n.showInformation();
            }
        });
    }
}
