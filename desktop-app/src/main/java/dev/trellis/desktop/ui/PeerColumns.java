package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Formats;
import dev.trellis.desktop.model.PeerView.PathKind;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.control.ContentDisplay;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.scene.shape.Circle;

/** The peer list's columns: what each shows, how it sorts, how wide it starts. */
final class PeerColumns {
    private PeerColumns() {}

    static List<TableColumn<PeerRow, ?>> all() {
        TableColumn<PeerRow, PeerRow.Name> name = column("Name", "col-name", PeerRow::nameProperty, 104);
        name.setComparator(PeerRow.BY_NAME);
        name.setCellFactory(c -> new NameCell());

        TableColumn<PeerRow, String> user = column("User", "col-user", PeerRow::userProperty, 140);
        user.setComparator(NaturalOrder.INSTANCE);
        user.setCellFactory(c -> textCell(s -> s, null, ""));

        TableColumn<PeerRow, String> os = column("OS", "col-os", PeerRow::osProperty, 68);
        os.setComparator(NaturalOrder.INSTANCE);
        os.setCellFactory(c -> textCell(s -> s, null, ""));

        TableColumn<PeerRow, List<String>> address = column("Address", "col-address", PeerRow::addressesProperty, 94);
        address.setComparator(Comparator.comparing(l -> l.isEmpty() ? null : l.getFirst(), NaturalOrder.INSTANCE));
        address.setCellFactory(c -> new AddressCell());

        TableColumn<PeerRow, PeerRow.Seen> seen = column("Last seen", "col-seen", PeerRow::seenProperty, 94);
        seen.setComparator(PeerRow.BY_SEEN);
        seen.setCellFactory(c -> new SeenCell());

        TableColumn<PeerRow, PeerRow.Path> path = column("Path", "col-path", PeerRow::pathProperty, 232);
        path.setComparator(PeerRow.BY_PATH);
        path.setCellFactory(c -> new PathCell());

        TableColumn<PeerRow, Duration> latency = column("Latency", "col-latency", PeerRow::latencyProperty, 80);
        latency.setComparator(Comparator.nullsLast(Comparator.naturalOrder()));
        latency.setCellFactory(c -> textCell(Formats::latency, "number", "—"));

        TableColumn<PeerRow, Long> rx = column("Received", "col-rx", PeerRow::rxProperty, 88);
        rx.setCellFactory(c -> textCell(Formats::bytes, "number", ""));
        TableColumn<PeerRow, Long> tx = column("Sent", "col-tx", PeerRow::txProperty, 80);
        tx.setCellFactory(c -> textCell(Formats::bytes, "number", ""));
        latency.getStyleClass().add("numeric");
        rx.getStyleClass().add("numeric");
        tx.getStyleClass().add("numeric");
        return List.of(name, user, os, address, seen, path, latency, rx, tx);
    }

    /** The column's own width, kept in its properties: the table adds spare room to it (see PeerTable). */
    static final String BASE_WIDTH = "trellis.baseWidth";

    static double baseWidth(TableColumn<?, ?> c) {
        return c.getProperties().get(BASE_WIDTH) instanceof Double d ? d : c.getPrefWidth();
    }

    private static <T> TableColumn<PeerRow, T> column(String title, String id,
            Function<PeerRow, ObservableValue<T>> property, double width) {
        TableColumn<PeerRow, T> c = new TableColumn<>(title);
        c.setId(id);
        c.setCellValueFactory(f -> property.apply(f.getValue()));
        c.setPrefWidth(width);
        c.getProperties().put(BASE_WIDTH, width);
        c.setMinWidth(Math.round(width * 0.6));
        c.setReorderable(false);
        return c;
    }

    /** A cell showing {@code format} of its value, {@code absent} when the value is null. */
    private static <T> TableCell<PeerRow, T> textCell(Function<T, String> format, String styleClass, String absent) {
        TableCell<PeerRow, T> cell = new TableCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? absent : format.apply(item));
            }
        };
        if (styleClass != null) {
            cell.getStyleClass().add(styleClass);
            cell.setAlignment(Pos.CENTER_RIGHT);
        }
        return cell;
    }

    private static final class NameCell extends TableCell<PeerRow, PeerRow.Name> {
        private final Circle dot = Icons.dot(false);

        NameCell() {
            getStyleClass().add("name-cell");
            setGraphicTextGap(8);
        }

        @Override
        protected void updateItem(PeerRow.Name item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setText(null);
                setGraphic(null);
                return;
            }
            setText(item.name());
            Icons.setOnline(dot, item.online());
            setGraphic(dot);
        }
    }

    private static final class AddressCell extends TableCell<PeerRow, List<String>> {
        private final Tooltip tip = new Tooltip();

        AddressCell() {
            getStyleClass().add("mono");
        }

        @Override
        protected void updateItem(List<String> item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null || item.isEmpty()) {
                setText(empty ? null : "—");
                setTooltip(null);
                return;
            }
            setText(item.getFirst());
            tip.setText(String.join("\n", item));
            setTooltip(tip);
        }
    }

    private static final class SeenCell extends TableCell<PeerRow, PeerRow.Seen> {
        @Override
        protected void updateItem(PeerRow.Seen item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.text());
            Styles.toggle(this, "online-text", !empty && item != null && item.online());
        }
    }

    /** A coloured tag (direct in green, relayed in amber, the rest grey), then the endpoint or relay. */
    private static final class PathCell extends TableCell<PeerRow, PeerRow.Path> {
        private final Label tag = new Label();
        private final Tooltip tip = new Tooltip();

        PathCell() {
            tag.getStyleClass().add("path-tag");
            tag.setMinWidth(Label.USE_PREF_SIZE);
            setGraphicTextGap(6);
            setContentDisplay(ContentDisplay.LEFT);
            tip.setWrapText(true);
            tip.setMaxWidth(420);
        }

        @Override
        protected void updateItem(PeerRow.Path item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setText(null);
                setGraphic(null);
                setTooltip(null);
                return;
            }
            tag.setText(item.tag());
            Styles.toggle(tag, "direct", item.kind() == PathKind.DIRECT);
            Styles.toggle(tag, "relayed", item.kind() == PathKind.RELAYED);
            Styles.toggle(tag, "none", item.kind() == PathKind.NONE);
            setGraphic(tag);
            setText(item.detail());
            String why = item.kind() == PathKind.DIRECT ? "Direct to " + item.detail()
                    : item.kind() == PathKind.RELAYED ? "Relayed " + item.detail()
                            + (item.reason() != null ? ": " + item.reason() : "")
                    : null;
            tip.setText(why);
            setTooltip(why == null ? null : tip);
        }
    }
}
