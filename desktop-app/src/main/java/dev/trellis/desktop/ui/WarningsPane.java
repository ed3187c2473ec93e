package dev.trellis.desktop.ui;

import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * What {@link dev.trellis.desktop.model.TrayState#WARNING} is about, one line each. Long lists
 * show their first {@value #FOLDED} lines and a link to the rest, so the peer list keeps its room.
 */
final class WarningsPane extends VBox {
    static final int FOLDED = 3;

    private final VBox lines = new VBox(4);
    private final Hyperlink more = new Hyperlink();
    private List<String> shown = List.of();
    private boolean expanded;

    WarningsPane() {
        getStyleClass().addAll("card", "warnings");
        setId("warnings");
        setSpacing(4);
        more.setId("warnings-more");
        more.setOnAction(e -> {
            expanded = !expanded;
            render();
        });
        getChildren().addAll(lines, more);
        Styles.shown(this, false);
    }

    void show(List<String> warnings) {
        Styles.shown(this, !warnings.isEmpty());
        if (!warnings.equals(shown)) {
            shown = warnings;
            render();
        }
    }

    List<String> shownLines() {
        return lines.getChildren().stream().map(n -> ((Label) ((HBox) n).getChildren().get(1)).getText()).toList();
    }

    private void render() {
        int n = expanded ? shown.size() : Math.min(FOLDED, shown.size());
        lines.getChildren().setAll(shown.subList(0, n).stream().map(WarningsPane::line).toList());
        int hidden = shown.size() - FOLDED;
        Styles.shown(more, hidden > 0);
        more.setText(expanded ? "Show fewer" : "Show " + hidden + " more");
    }

    private static HBox line(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.getStyleClass().add("warning-text");
        HBox box = new HBox(8, Icons.warning(), l);
        box.setAlignment(Pos.TOP_LEFT);
        return box;
    }
}
