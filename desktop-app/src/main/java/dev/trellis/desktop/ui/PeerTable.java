package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.PeerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.ContextMenuEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;

/**
 * The peer list. Its rows live as long as their peers: {@link #show} updates them in place, adds
 * the new and removes the gone, so the table never rebuilds, and the selection follows the peer
 * (its key), not a row index, through updates, sorting and filtering.
 */
final class PeerTable extends TableView<PeerRow> {
    static final KeyCombination COPY_ADDRESS = new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN);
    static final KeyCombination COPY_DNS =
            new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN);
    /** Shift+F10, the menu key's stand-in on keyboards without one. */
    static final KeyCombination MENU_KEY = new KeyCodeCombination(KeyCode.F10, KeyCombination.SHIFT_DOWN);

    /** Room the vertical scroll bar may take (base.css makes it 10 px). */
    private static final double SCROLL_BAR = 12;

    private final Consumer<Action> actions;
    /** Every row; the extractor makes an update of a row re-sort and re-filter it. */
    private final ObservableList<PeerRow> rows = FXCollections.observableArrayList(PeerRow::observables);
    private final Map<String, PeerRow> byKey = new HashMap<>();
    private final FilteredList<PeerRow> filtered = new FilteredList<>(rows);
    private final ContextMenu keyboardMenu = menuFor(this::selected);
    /** The peer the user chose; changes of the list do not move it, only the user does. */
    private String chosenKey;
    private boolean changingList;
    private String query = "";

    PeerTable(Consumer<Action> actions) {
        this.actions = actions;
        setId("peers");
        getStyleClass().add("peer-table");
        getColumns().setAll(PeerColumns.all());
        SortedList<PeerRow> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(comparatorProperty());
        setItems(sorted);
        getSortOrder().add(getColumns().getFirst());
        setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        widthProperty().addListener(o -> fitColumns());
        getSelectionModel().setSelectionMode(SelectionMode.SINGLE);
        getSelectionModel().selectedItemProperty().addListener((o, old, row) -> {
            if (!changingList) {
                chosenKey = row == null ? null : row.key();
            }
        });
        // The list re-sorts when the user clicks a header: keep the chosen peer selected then too.
        comparatorProperty().addListener(o -> reselect());

        // A right click opens its row's menu; the menu key opens one for the selected peer.
        setRowFactory(t -> new TableRow<>() {
            private final ContextMenu rowMenu = menuFor(this::getItem);

            {
                rowMenu.setOnShown(e -> getTableView().getSelectionModel().clearAndSelect(getIndex()));
            }

            @Override
            protected void updateItem(PeerRow item, boolean empty) {
                super.updateItem(item, empty);
                setContextMenu(empty ? null : rowMenu);
            }
        });
        addEventHandler(ContextMenuEvent.CONTEXT_MENU_REQUESTED, e -> {
            if (e.isKeyboardTrigger()) {
                openKeyboardMenu();
            }
            e.consume();
        });
        addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (COPY_DNS.match(e)) {
                copyDnsName();
                e.consume();
            } else if (COPY_ADDRESS.match(e)) {
                copyAddress();
                e.consume();
            } else if (e.getCode() == KeyCode.CONTEXT_MENU || MENU_KEY.match(e)) {
                openKeyboardMenu();
                e.consume();
            }
        });
    }

    /** Shows {@code peers} as of {@code now}, changing only what changed. */
    void show(List<PeerView> peers, Instant now) {
        changingList = true;
        try {
            Set<String> present = new HashSet<>();
            List<PeerRow> added = new ArrayList<>();
            for (PeerView p : peers) {
                if (!present.add(p.key())) {
                    continue; // a key twice would be a daemon bug; one row per key keeps selection sound
                }
                PeerRow row = byKey.get(p.key());
                if (row == null) {
                    row = new PeerRow(p, now);
                    byKey.put(p.key(), row);
                    added.add(row);
                } else {
                    row.update(p, now);
                }
            }
            if (byKey.size() > present.size()) {
                rows.removeIf(r -> !present.contains(r.key()));
                byKey.keySet().retainAll(present);
            }
            rows.addAll(added);
        } finally {
            changingList = false;
        }
        reselect();
    }

    /** Shows only the peers that match every word of {@code text}. */
    void filter(String text) {
        String q = text == null ? "" : text.strip();
        if (q.equals(query)) {
            return;
        }
        query = q;
        changingList = true;
        try {
            filtered.setPredicate(q.isEmpty() ? null : row -> row.matches(q));
        } finally {
            changingList = false;
        }
        reselect();
    }

    String query() {
        return query;
    }

    /** How many peers there are, shown or not. */
    int total() {
        return rows.size();
    }

    /** How many peers the filter shows. */
    int shown() {
        return filtered.size();
    }

    PeerRow selected() {
        return getSelectionModel().getSelectedItem();
    }

    ObservableValue<PeerRow> selectedProperty() {
        return getSelectionModel().selectedItemProperty();
    }

    /** The row of {@code key}, if its peer is in the network. */
    PeerRow row(String key) {
        return byKey.get(key);
    }

    void copyAddress() {
        PeerRow r = selected();
        if (r != null && !r.addresses().isEmpty()) {
            actions.accept(Action.copy(r.addresses().getFirst()));
        }
    }

    void copyDnsName() {
        PeerRow r = selected();
        if (r != null && r.view().dnsName() != null && !r.view().dnsName().isEmpty()) {
            actions.accept(Action.copy(r.view().dnsName()));
        }
    }

    /**
     * Every column gets its own width, and the path (the widest values) the room left over; a table too narrow for
     * them scrolls sideways instead of cutting every value short. Set directly, not through a
     * constrained resize policy: that one spreads room in proportion to the widths columns
     * happened to have, which after a hidden list (a login) left the path column too narrow.
     */
    private void fitColumns() {
        double spare = Math.max(0, room() - needed());
        for (TableColumn<PeerRow, ?> c : getColumns()) {
            double w = PeerColumns.baseWidth(c) + ("col-path".equals(c.getId()) ? spare : 0);
            if (c.getPrefWidth() != w) {
                c.setPrefWidth(w);
            }
        }
    }

    /** Whether every column has its own width without scrolling sideways. */
    boolean fits() {
        return room() >= needed();
    }

    private double room() {
        return getWidth() - snappedLeftInset() - snappedRightInset() - SCROLL_BAR;
    }

    private double needed() {
        return getColumns().stream().mapToDouble(PeerColumns::baseWidth).sum();
    }

    /** Opens the copy menu of the selected peer under its row (there is no pointer to open it at). */
    private void openKeyboardMenu() {
        if (selected() == null) {
            return;
        }
        int index = getSelectionModel().getSelectedIndex();
        Node anchor = lookupAll(".table-row-cell").stream()
                .filter(n -> n instanceof TableRow<?> r && r.getIndex() == index && r.isVisible())
                .findFirst().orElse(this);
        Bounds b = anchor.localToScreen(anchor.getLayoutBounds());
        if (b != null) {
            keyboardMenu.show(anchor, b.getMinX() + 24, b.getMaxY());
        }
    }

    /** Selects the chosen peer again where the list now shows it (list changes may have moved or cleared it). */
    private void reselect() {
        if (chosenKey != null && !byKey.containsKey(chosenKey)) {
            chosenKey = null; // its peer left the network
        }
        PeerRow want = chosenKey == null ? null : byKey.get(chosenKey);
        if (selected() == want) {
            return;
        }
        changingList = true;
        try {
            int index = want == null ? -1 : getItems().indexOf(want);
            if (index >= 0) {
                getSelectionModel().clearAndSelect(index);
                getFocusModel().focus(index);
            } else {
                getSelectionModel().clearSelection();
            }
        } finally {
            changingList = false;
        }
    }

    /**
     * A menu to copy {@code peer}'s addresses and DNS name, rebuilt each time it opens. The items
     * carry no accelerators: a control's context menu accelerators act scene-wide, and Ctrl+C
     * must stay the text fields' own copy; the table handles its keys itself.
     */
    private ContextMenu menuFor(Supplier<PeerRow> peer) {
        // ContextMenu refuses to open while it has no items, so it starts with one.
        ContextMenu menu = new ContextMenu(nothingToCopy());
        menu.setOnShowing(e -> {
            menu.getItems().clear();
            PeerRow r = peer.get();
            if (r == null) {
                menu.getItems().add(nothingToCopy());
                return;
            }
            for (String a : r.addresses()) {
                menu.getItems().add(item("Copy " + a, a));
            }
            String dns = r.view().dnsName();
            if (dns != null && !dns.isEmpty()) {
                if (!menu.getItems().isEmpty()) {
                    menu.getItems().add(new SeparatorMenuItem());
                }
                menu.getItems().add(item("Copy DNS name (" + dns + ")", dns));
            }
            if (menu.getItems().isEmpty()) {
                menu.getItems().add(nothingToCopy());
            }
        });
        return menu;
    }

    private static MenuItem nothingToCopy() {
        MenuItem none = new MenuItem("Nothing to copy");
        none.setDisable(true);
        return none;
    }

    private MenuItem item(String label, String copy) {
        MenuItem item = new MenuItem(label);
        item.setMnemonicParsing(false);
        item.setOnAction(e -> actions.accept(Action.copy(copy)));
        return item;
    }
}
