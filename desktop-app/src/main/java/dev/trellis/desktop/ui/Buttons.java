package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Action;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.scene.control.Button;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.Region;

/** The window's buttons share these habits: Enter presses them, copy buttons look alike. */
final class Buttons {
    private Buttons() {}

    /**
     * Makes Enter press {@code b} as Space does. JavaFX presses a focused button with Space only
     * (Enter goes to the default button), while people expect both.
     */
    static <B extends Button> B enterFires(B b) {
        b.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER && !e.isShortcutDown() && !e.isAltDown() && !b.isDisabled()) {
                b.fire();
                e.consume();
            }
        });
        return b;
    }

    /** A button with a label; {@code _} marks its mnemonic. */
    static Button text(String label, String id, Runnable onPress) {
        Button b = new Button(label);
        b.setMnemonicParsing(true);
        b.setMinWidth(Region.USE_PREF_SIZE); // text beside a button gives way, the button's label does not
        b.setId(id);
        b.setOnAction(e -> onPress.run());
        return enterFires(b);
    }

    /**
     * A small button with the copy glyph that sends {@link Action#copy} of what {@code text}
     * supplies then (nothing when it supplies null).
     */
    static Button copy(String what, Supplier<String> text, Consumer<Action> actions) {
        Button b = new Button();
        b.setGraphic(Icons.copy());
        b.setMinWidth(Region.USE_PREF_SIZE);
        b.getStyleClass().addAll("icon-button", "copy-button");
        b.setTooltip(new Tooltip("Copy " + what));
        b.setAccessibleText("Copy " + what);
        b.setOnAction(e -> {
            String t = text.get();
            if (t != null && !t.isEmpty()) {
                actions.accept(Action.copy(t));
            }
        });
        return enterFires(b);
    }
}
