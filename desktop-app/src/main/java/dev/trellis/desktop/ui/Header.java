package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.AppView;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The top of the window: the state icon, the status line, the one thing to do now (Log in… /
 * Connect / Disconnect) and Preferences.
 */
final class Header extends HBox {
    private final StateIconView icon = new StateIconView(28);
    private final Label status = new Label();
    private final Button primary;
    private final Button preferences;
    private Kind primaryKind;

    Header(Consumer<Action> actions) {
        getStyleClass().add("header");
        setAlignment(Pos.CENTER_LEFT);
        status.getStyleClass().add("status-line");
        status.setId("status-line");
        status.setMinWidth(0);
        primary = Buttons.text("_Connect", "primary", () -> {
            if (primaryKind != null) {
                actions.accept(Action.of(primaryKind));
            }
        });
        primary.getStyleClass().add("primary");
        preferences = Buttons.text("_Preferences…", "preferences", () -> actions.accept(Action.of(Kind.PREFERENCES)));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        getChildren().addAll(icon, status, grow, primary, preferences);
    }

    /**
     * Shows {@code v}; {@code title} replaces the status line when a pane below already says it
     * (then the header just names the app).
     */
    void show(AppView v, String title) {
        icon.setState(v.state());
        String text = title != null ? title : v.statusLine();
        if (!text.equals(status.getText())) {
            status.setText(text);
        }
        primaryKind = v.needsLogin() ? Kind.LOG_IN : v.canConnect() ? Kind.CONNECT
                : v.canDisconnect() ? Kind.DISCONNECT : null;
        if (primaryKind != null) {
            // Hidden, the button keeps its last label: JavaFX 25 fails to lay out a label that
            // parses mnemonics and had one, once its text is empty.
            primary.setText(switch (primaryKind) {
                case LOG_IN -> "_Log in…";
                case CONNECT -> "_Connect";
                default -> "_Disconnect";
            });
        }
        // Disconnect is not the thing to urge; Log in and Connect are.
        Styles.toggle(primary, "accent", primaryKind == Kind.LOG_IN || primaryKind == Kind.CONNECT);
        Styles.shown(primary, primaryKind != null);
        Styles.shown(preferences, v.backend() != null);
    }

    StateIconView icon() {
        return icon;
    }
}
