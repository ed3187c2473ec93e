package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.AppView;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.text.Text;

/**
 * The window when there is no network to show: contacting the daemon, a problem to fix (not
 * running, refused, an error, waiting for approval), or logged out. Says what happened and what
 * to do, with the command to run as text to select or copy.
 */
final class StatePane extends VBox {
    enum Kind { LOADING, PROBLEM, LOGGED_OUT }

    private final StateIconView icon = new StateIconView(64);
    private final ProgressIndicator spinner = new ProgressIndicator();
    private final Label title = new Label();
    private final TextArea body = new TextArea();
    private final HBox commandBox;
    private final TextField command = new TextField();
    private final Label hint = new Label();
    private final Button login;
    private Kind kind;

    StatePane(Consumer<Action> actions) {
        getStyleClass().add("state-pane");
        setAlignment(Pos.CENTER);
        setSpacing(14);
        setFillWidth(false);
        spinner.setId("spinner");
        spinner.setPrefSize(48, 48);
        title.setId("state-title");
        title.getStyleClass().add("state-title");
        title.setWrapText(true);
        body.setId("state-body");
        body.getStyleClass().add("selectable-text");
        body.setEditable(false);
        body.setWrapText(true);
        body.setFocusTraversable(true);
        body.setPrefWidth(600);
        body.textProperty().addListener(o -> fitBody());
        body.widthProperty().addListener(o -> fitBody());
        body.fontProperty().addListener(o -> fitBody());
        command.setId("fix-command");
        command.getStyleClass().add("command");
        command.setEditable(false);
        command.setPrefColumnCount(30);
        HBox.setHgrow(command, Priority.ALWAYS);
        Button copy = Buttons.copy("command", command::getText, actions);
        copy.setId("copy-command");
        commandBox = new HBox(6, command, copy);
        commandBox.getStyleClass().add("command-box");
        commandBox.setAlignment(Pos.CENTER_LEFT);
        hint.getStyleClass().add("muted");
        hint.setId("state-hint");
        login = Buttons.text("Log in…", "login", () -> actions.accept(Action.of(Action.Kind.LOG_IN)));
        login.setMnemonicParsing(false);
        login.getStyleClass().addAll("accent", "large");
        getChildren().addAll(icon, spinner, title, body, commandBox, hint, login);
    }

    void show(Kind newKind, AppView v) {
        kind = newKind;
        icon.setState(v.state());
        Styles.shown(icon, kind != Kind.LOADING);
        Styles.shown(spinner, kind == Kind.LOADING);
        // The spinner animates only while it is shown.
        spinner.setProgress(kind == Kind.LOADING ? ProgressIndicator.INDETERMINATE_PROGRESS : 0);
        title.setText(switch (kind) {
            case LOADING -> v.statusLine();
            case LOGGED_OUT -> "You are logged out";
            case PROBLEM -> v.statusLine();
        });
        String text = switch (kind) {
            case LOADING -> null;
            case LOGGED_OUT -> (v.fix() != null ? v.fix() : "Log in to join your network")
                    + " and reach your other devices.";
            case PROBLEM -> v.detail() != null && v.fix() != null && !v.detail().equals(v.fix())
                    ? stopped(v.detail()) + " " + v.fix() : v.fix();
        };
        body.setText(text == null ? "" : sentence(text));
        Styles.shown(body, text != null);
        String cmd = kind == Kind.PROBLEM ? Commands.find(v.fix()) : null;
        command.setText(cmd == null ? "" : cmd);
        command.setPrefColumnCount(cmd == null ? 10 : Math.min(64, cmd.length() + 1));
        Styles.shown(commandBox, cmd != null);
        String hintText = kind == Kind.PROBLEM && v.backend() == null
                ? "This window updates by itself as soon as trellisd answers." : null;
        hint.setText(hintText == null ? "" : hintText);
        Styles.shown(hint, hintText != null);
        Styles.shown(login, kind == Kind.LOGGED_OUT);
        // Enter anywhere in the window logs in while that is the one thing to do.
        login.setDefaultButton(kind == Kind.LOGGED_OUT);
    }

    /** {@code text} ending in a full stop even after a parenthesis: a detail before the advice. */
    private static String stopped(String text) {
        String t = text.strip();
        return t.isEmpty() || ".!?…".indexOf(t.charAt(t.length() - 1)) >= 0 ? t : t + ".";
    }

    /** Ends {@code text} with a full stop, as the daemon's advice comes without one. */
    private static String sentence(String text) {
        String t = text.strip();
        return t.isEmpty() || ".!?…)".indexOf(t.charAt(t.length() - 1)) >= 0 ? t : t + ".";
    }

    /**
     * A read-only text area keeps its text selectable but does not grow with it: size it to its
     * wrapped text, so a short message leaves no gap and a long one is not cut off.
     */
    private void fitBody() {
        double width = body.getWidth() > 0 ? body.getWidth() : body.getPrefWidth();
        Text probe = new Text(body.getText());
        probe.setFont(body.getFont());
        probe.setWrappingWidth(Math.max(50, width - 8));
        double h = Math.ceil(probe.getLayoutBounds().getHeight()) + 8;
        body.setPrefHeight(h);
        body.setMinHeight(h);
    }

    Kind kind() {
        return kind;
    }
}
