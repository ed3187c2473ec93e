package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.Formats;
import dev.trellis.desktop.model.SelfView;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;

/** "This device": its name, addresses and DNS name (each copyable), login server, owner and key expiry. */
final class DevicePane extends VBox {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM);

    private final Consumer<Action> actions;
    private final Label name = new Label();
    private final Label os = new Label();
    private final FlowPane addresses = new FlowPane(14, 4);
    private final Label dnsName = new Label();
    private final Button copyDns;
    private final Label server = new Label();
    private final Label user = new Label();
    private final Label expiry = new Label();
    private final Node expiryWarning = Icons.warning();
    private List<String> shownAddresses = List.of();

    DevicePane(Consumer<Action> actions) {
        this.actions = actions;
        getStyleClass().addAll("card", "device-pane");
        setId("device");
        Label caption = new Label("THIS DEVICE");
        caption.getStyleClass().add("caption");
        name.getStyleClass().add("device-name");
        name.setId("device-name");
        os.getStyleClass().add("chip");
        HBox title = new HBox(10, name, os);
        title.setAlignment(Pos.BASELINE_LEFT);

        dnsName.setId("device-dns");
        copyDns = Buttons.copy("DNS name", () -> dnsName.getText(), actions);
        copyDns.setId("copy-device-dns");
        HBox dns = new HBox(4, dnsName, copyDns);
        dns.setAlignment(Pos.CENTER_LEFT);
        server.setId("device-server");
        user.setId("device-user");
        expiry.setId("device-expiry");
        expiry.getStyleClass().add("expiry");
        addresses.setId("device-addresses");
        addresses.setAlignment(Pos.CENTER_LEFT);

        GridPane grid = new GridPane(12, 2);
        grid.getStyleClass().add("facts");
        ColumnConstraints key = new ColumnConstraints();
        key.setMinWidth(USE_PREF_SIZE);
        ColumnConstraints value = new ColumnConstraints();
        value.setHgrow(Priority.ALWAYS);
        value.setMinWidth(0);
        grid.getColumnConstraints().addAll(key, value, key, value);
        for (int i = 0; i < 3; i++) {
            RowConstraints row = new RowConstraints();
            row.setMinHeight(26); // as tall as a row with copy buttons, so the rows line up evenly
            grid.getRowConstraints().add(row);
        }
        grid.addRow(0, fact("Addresses"), addresses, fact("Login server"), server);
        grid.addRow(1, fact("DNS name"), dns, fact("User"), user);
        grid.addRow(2, fact("Key expiry"), expiry);
        getChildren().addAll(caption, title, grid);
    }

    /** Shows {@code self}; {@code expiresSoon} marks the key expiry as a warning. */
    void show(SelfView self, boolean expiresSoon, Instant now) {
        name.setText(self.name());
        os.setText(self.os());
        Styles.shown(os, self.os() != null && !self.os().isEmpty());
        if (!self.addresses().equals(shownAddresses)) {
            shownAddresses = self.addresses();
            List<Node> nodes = new ArrayList<>();
            for (String a : Addresses.canonical(self.addresses())) {
                Label l = new Label(a);
                l.getStyleClass().add("mono");
                Button copy = Buttons.copy(a, () -> a, actions);
                copy.setId("copy-device-address-" + nodes.size());
                HBox box = new HBox(4, l, copy);
                box.setAlignment(Pos.CENTER_LEFT);
                nodes.add(box);
            }
            if (nodes.isEmpty()) {
                nodes.add(muted("none yet"));
            }
            addresses.getChildren().setAll(nodes);
        }
        boolean hasDns = self.dnsName() != null && !self.dnsName().isEmpty();
        dnsName.setText(hasDns ? self.dnsName() : "—");
        copyDns.setDisable(!hasDns);
        Styles.shown(copyDns, hasDns);
        server.setText(self.loginServer() != null && !self.loginServer().isEmpty() ? self.loginServer() : "default");
        user.setText(self.user().isEmpty() ? "—" : self.user());
        expiry.setText(expiryText(self.keyExpiry(), now));
        expiry.setGraphic(expiresSoon ? expiryWarning : null);
        Styles.toggle(expiry, "warning", expiresSoon);
    }

    /** "in 90 days · 23 Feb 2027", "expired 2 hours ago", "never". */
    static String expiryText(Instant expiry, Instant now) {
        if (expiry == null) {
            return "never";
        }
        String date = DATE.format(expiry.atZone(ZoneId.systemDefault()));
        Duration left = Duration.between(now, expiry);
        return left.isNegative() ? "expired " + Formats.duration(left.negated()) + " ago · " + date
                : "in " + Formats.duration(left) + " · " + date;
    }

    private static Label fact(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("fact-name");
        return l;
    }

    private static Label muted(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("muted");
        return l;
    }
}
