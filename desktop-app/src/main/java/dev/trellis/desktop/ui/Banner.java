package dev.trellis.desktop.ui;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * A slim line across the top of the window: a notice (no tray) or a failure (an action that did
 * not work), which the user may dismiss. Hidden, and taking no room, while it has no message.
 */
final class Banner extends HBox {
    enum Kind { INFO, ERROR }

    private final Label message = new Label();
    private final Button close = new Button();

    Banner(Kind kind, boolean dismissable) {
        getStyleClass().addAll("banner", kind == Kind.ERROR ? "banner-error" : "banner-info");
        setAlignment(Pos.CENTER_LEFT);
        message.setWrapText(true);
        message.getStyleClass().add("banner-text");
        message.setGraphic(kind == Kind.ERROR ? Icons.error() : Icons.info());
        message.setGraphicTextGap(10);
        message.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(message, Priority.ALWAYS);
        getChildren().add(message);
        if (dismissable) {
            close.setGraphic(Icons.close());
            close.getStyleClass().addAll("icon-button", "banner-close");
            close.setTooltip(new Tooltip("Dismiss"));
            close.setAccessibleText("Dismiss");
            close.setOnAction(e -> setMessage(null));
            Buttons.enterFires(close);
            getChildren().add(close);
        }
        setMessage(null);
    }

    /** Shows {@code text}, or hides the banner when it is null. */
    void setMessage(String text) {
        boolean shown = text != null && !text.isBlank();
        message.setText(shown ? text : "");
        Styles.shown(this, shown);
    }

    String message() {
        return isVisible() ? message.getText() : null;
    }

    Button closeButton() {
        return close;
    }
}
