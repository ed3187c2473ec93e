package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.PeerView;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.textfield.CustomTextField;
import org.controlsfx.control.textfield.TextFields;

/**
 * "Network devices": the search field and copy buttons over the peer list; what to say when it
 * is empty or nothing matches; and, while disconnected, a note with Connect in its place.
 */
final class PeersPane extends VBox {
    /** What the list shows besides its peers. */
    enum Mode { RUNNING, CONNECTING, STOPPED }

    private final PeerTable table;
    private final TextField search;
    private final Label count = new Label();
    private final Button copyAddress;
    private final Button copyDns;
    private final Label placeholderTitle = new Label();
    private final Label placeholderBody = new Label();
    private final VBox list;
    private final VBox stopped;
    private final Label stoppedBody = new Label();
    private Mode mode = Mode.RUNNING;

    PeersPane(Consumer<Action> actions) {
        getStyleClass().add("peers-pane");
        table = new PeerTable(actions);
        search = TextFields.createClearableTextField();
        search.setId("search");
        search.setPromptText("Search devices");
        search.setAccessibleText("Search devices by name, DNS name, user, address or OS");
        search.getStyleClass().add("search");
        if (search instanceof CustomTextField custom) {
            custom.setLeft(Icons.search());
        }
        search.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ESCAPE && !search.getText().isEmpty()) {
                search.clear();
                e.consume();
            }
        });

        copyAddress = Buttons.text("Copy _address", "copy-address", table::copyAddress);
        copyDns = Buttons.text("Copy DNS _name", "copy-dns", table::copyDnsName);

        Label title = new Label("Network devices");
        title.getStyleClass().add("section-title");
        title.setMinWidth(Region.USE_PREF_SIZE);
        count.setMinWidth(Region.USE_PREF_SIZE);
        search.setMinWidth(120);
        count.getStyleClass().add("count");
        count.setId("peer-count");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox toolbar = new HBox(8, title, count, grow, search, copyAddress, copyDns);
        toolbar.getStyleClass().add("toolbar");
        toolbar.setAlignment(Pos.CENTER_LEFT);

        placeholderTitle.setId("placeholder-title");
        placeholderTitle.getStyleClass().add("placeholder-title");
        placeholderBody.setId("placeholder-body");
        placeholderBody.getStyleClass().add("muted");
        placeholderBody.setWrapText(true);
        VBox placeholder = new VBox(6, placeholderTitle, placeholderBody);
        placeholder.setAlignment(Pos.CENTER);
        placeholder.setMaxWidth(560);
        placeholder.getStyleClass().add("placeholder");
        table.setPlaceholder(placeholder);
        VBox.setVgrow(table, Priority.ALWAYS);
        table.setMinHeight(140);
        list = new VBox(10, toolbar, table);
        VBox.setVgrow(list, Priority.ALWAYS);

        Label stoppedTitle = new Label("This device is disconnected");
        stoppedTitle.getStyleClass().add("placeholder-title");
        stoppedBody.getStyleClass().add("muted");
        stoppedBody.setWrapText(true);
        Button connect = Buttons.text("Connect", "stopped-connect", () -> actions.accept(Action.of(Kind.CONNECT)));
        connect.setMnemonicParsing(false);
        connect.getStyleClass().addAll("accent", "large");
        VBox.setMargin(connect, new Insets(8, 0, 0, 0));
        stopped = new VBox(8, stoppedTitle, stoppedBody, connect);
        stopped.setId("stopped-note");
        stopped.getStyleClass().addAll("card", "note");
        stopped.setAlignment(Pos.CENTER);
        VBox.setVgrow(stopped, Priority.ALWAYS);

        getChildren().addAll(list, stopped);
        VBox.setVgrow(this, Priority.ALWAYS);
        search.textProperty().addListener((o, old, t) -> {
            table.filter(t);
            refresh();
        });
        table.selectedProperty().addListener((o, old, r) -> refresh());
        show(List.of(), Instant.EPOCH, Mode.RUNNING, null);
    }

    /** Shows {@code peers}; {@code fix} is what the stopped note says to do. */
    void show(List<PeerView> peers, Instant now, Mode newMode, String fix) {
        mode = newMode;
        table.show(peers, now);
        Styles.shown(list, mode != Mode.STOPPED);
        Styles.shown(stopped, mode == Mode.STOPPED);
        String todo = fix != null ? fix : "Connect to reach your other devices";
        stoppedBody.setText(todo.endsWith(".") ? todo : todo + ".");
        refresh();
    }

    void focusSearch() {
        if (list.isVisible()) {
            search.requestFocus();
            search.selectAll();
        }
    }

    PeerTable table() {
        return table;
    }

    TextField search() {
        return search;
    }

    private void refresh() {
        PeerRow r = table.selected();
        copyAddress.setDisable(r == null || r.addresses().isEmpty());
        copyDns.setDisable(r == null || r.view().dnsName() == null || r.view().dnsName().isEmpty());
        int total = table.total();
        int shown = table.shown();
        count.setText(shown == total ? String.valueOf(total) : shown + " of " + total);
        if (total == 0 && mode == Mode.CONNECTING) {
            placeholderTitle.setText("Connecting…");
            placeholderBody.setText("Your other devices appear here once Trellis is connected.");
        } else if (total == 0) {
            placeholderTitle.setText("No other devices yet");
            placeholderBody.setText("Log in on another device with the same account and it appears here.");
        } else {
            placeholderTitle.setText("No device matches '" + table.query() + "'");
            placeholderBody.setText("Search looks at names, DNS names, users, addresses and OS.");
        }
    }
}
