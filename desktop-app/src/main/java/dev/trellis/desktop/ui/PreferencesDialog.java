package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Preferences;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Edits {@link Preferences}: the login server (checked as it is typed), MagicDNS, starting at
 * login, connecting on start; and logs out, after asking. OK hands the edits to {@code onSave};
 * Cancel, Escape or closing the window drops them.
 */
public final class PreferencesDialog {
    private final Stage stage = new Stage();
    private final Preferences current;
    private final Consumer<Preferences> onSave;
    private final TextField server = new TextField();
    private final Label serverError = new Label();
    private final Label serverNote = new Label();
    private final CheckBox acceptDns = new CheckBox("Use Trellis _DNS");
    private final CheckBox startAtLogin = new CheckBox("_Start Trellis when I log in to this computer");
    private final CheckBox connectOnStart = new CheckBox("C_onnect when Trellis starts");
    private final Button ok;
    private final Button logOut;
    private final VBox confirm;
    private Preferences result;

    /**
     * A dialog over {@code owner} (may be null) showing {@code current}; {@code onLogOut} runs when
     * the user confirms Log out, {@code onSave} with the edits on OK. Call {@link #show()}.
     */
    public PreferencesDialog(Window owner, Preferences current, Runnable onLogOut, Consumer<Preferences> onSave) {
        this.current = Objects.requireNonNull(current, "current");
        this.onSave = Objects.requireNonNull(onSave, "onSave");
        Objects.requireNonNull(onLogOut, "onLogOut");
        if (owner != null) {
            stage.initOwner(owner);
        }
        stage.setTitle("Trellis Preferences");
        stage.setResizable(false);

        Label title = new Label("Preferences");
        title.getStyleClass().add("title");

        Label serverLabel = new Label("_Login server");
        serverLabel.setMnemonicParsing(true);
        serverLabel.setLabelFor(server);
        server.setId("login-server");
        server.setPromptText("Default server");
        server.setPrefColumnCount(32);
        server.setText(current.loginServer());
        serverError.setId("login-server-error");
        serverError.getStyleClass().add("field-error");
        serverError.setWrapText(true);
        serverNote.setId("login-server-note");
        serverNote.getStyleClass().add("field-note");
        serverNote.setWrapText(true);
        VBox serverBox = new VBox(6, serverLabel, server, serverError, serverNote);

        acceptDns.setId("accept-dns");
        acceptDns.setSelected(current.acceptDns());
        Label dnsNote = new Label("Reach your devices by name, like laptop.example.trellis.internal");
        dnsNote.getStyleClass().add("field-note");
        dnsNote.setPadding(new Insets(0, 0, 0, 26));
        startAtLogin.setId("start-at-login");
        startAtLogin.setSelected(current.startAtLogin());
        connectOnStart.setId("connect-on-start");
        connectOnStart.setSelected(current.connectOnStart());
        VBox checks = new VBox(10, new VBox(3, acceptDns, dnsNote), startAtLogin, connectOnStart);

        Label account = new Label("Account");
        account.getStyleClass().add("section-title");
        logOut = Buttons.text("Log _out…", "log-out", this::askLogOut);
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox accountRow = new HBox(10, account, grow, logOut);
        accountRow.setAlignment(Pos.CENTER_LEFT);
        confirm = confirmBox(onLogOut);

        Button cancel = Buttons.text("Cancel", "cancel", stage::close);
        cancel.setCancelButton(true);
        ok = Buttons.text("OK", "ok", this::save);
        ok.setDefaultButton(true);
        ok.getStyleClass().add("accent");
        ok.setMinWidth(80);
        cancel.setMinWidth(80);
        HBox buttons = new HBox(8, cancel, ok);
        buttons.setAlignment(Pos.CENTER_RIGHT);

        VBox root = new VBox(title, serverBox, checks, new Separator(), accountRow, confirm, new Separator(), buttons);
        root.getStyleClass().add("preferences");
        root.setPrefWidth(460);
        server.textProperty().subscribe(this::validate);
        Scene scene = new Scene(root);
        Themes.apply(scene);
        stage.setScene(scene);
    }

    /**
     * Shows the dialog over {@code owner}, modal, and waits: the edits on OK, empty on Cancel or
     * after Log out. FX thread, not from an animation or layout callback.
     */
    public static Optional<Preferences> show(Window owner, Preferences current, Runnable onLogOut) {
        PreferencesDialog d = new PreferencesDialog(owner, current, onLogOut, p -> {});
        d.stage.initModality(owner != null ? Modality.WINDOW_MODAL : Modality.APPLICATION_MODAL);
        d.stage.showAndWait();
        return d.result();
    }

    /** Shows the dialog without waiting (the edits go to {@code onSave}). */
    public void show() {
        stage.show();
        server.requestFocus();
        server.end();
    }

    public Stage stage() {
        return stage;
    }

    /** The edits OK saved; empty before OK and after Cancel. */
    public Optional<Preferences> result() {
        return Optional.ofNullable(result);
    }

    private void validate(String text) {
        String problem = LoginServers.problem(text);
        serverError.setText(problem == null ? "" : problem);
        Styles.shown(serverError, problem != null);
        Styles.toggle(server, "error", problem != null);
        ok.setDisable(problem != null);
        boolean changed = !text.strip().equals(current.loginServer());
        serverNote.setText(changed ? "A new login server takes effect at the next login."
                : "Leave it empty for trellisd's default server.");
        Styles.toggle(serverNote, "changed", changed);
    }

    private void save() {
        if (LoginServers.problem(server.getText()) != null) {
            return;
        }
        result = new Preferences(server.getText(), acceptDns.isSelected(), startAtLogin.isSelected(),
                connectOnStart.isSelected());
        onSave.accept(result);
        stage.close();
    }

    private void askLogOut() {
        Styles.shown(confirm, true);
        logOut.setDisable(true);
        confirm.lookup("#keep-logged-in").requestFocus();
        stage.sizeToScene();
    }

    private VBox confirmBox(Runnable onLogOut) {
        Label question = new Label("Log out of Trellis on this computer? It leaves your network until you log in again.");
        question.setWrapText(true);
        Button yes = Buttons.text("Log out", "confirm-log-out", () -> {
            result = null;
            stage.close();
            onLogOut.run();
        });
        yes.setMnemonicParsing(false);
        yes.getStyleClass().add("danger");
        Button no = Buttons.text("Stay logged in", "keep-logged-in", () -> {
            Styles.shown(confirm, false);
            logOut.setDisable(false);
            logOut.requestFocus();
            stage.sizeToScene();
        });
        no.setMnemonicParsing(false);
        HBox row = new HBox(8, no, yes);
        row.setAlignment(Pos.CENTER_RIGHT);
        VBox box = new VBox(question, row);
        box.setId("log-out-confirm");
        box.getStyleClass().add("confirm");
        Styles.shown(box, false);
        return box;
    }
}
