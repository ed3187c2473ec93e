package dev.trellis.desktop.ui;

import javafx.scene.Node;

/** Style-class and visibility changes that touch the node only when something changes (no CSS churn on every update). */
final class Styles {
    private Styles() {}

    static void toggle(Node n, String styleClass, boolean on) {
        boolean has = n.getStyleClass().contains(styleClass);
        if (on && !has) {
            n.getStyleClass().add(styleClass);
        } else if (!on && has) {
            n.getStyleClass().removeAll(styleClass);
        }
    }

    /** Shows or hides {@code n}; hidden, it takes no room. */
    static void shown(Node n, boolean shown) {
        if (n.isVisible() != shown) {
            n.setVisible(shown);
        }
        if (n.isManaged() != shown) {
            n.setManaged(shown);
        }
    }
}
