package dev.trellis.desktop.ui;

import java.util.Objects;
import javafx.application.Platform;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;

/** The desktop's clipboard, for {@link dev.trellis.desktop.model.Action.Kind#COPY}. */
public final class Clipboards {
    private Clipboards() {}

    /** Puts {@code text} on the system clipboard as plain text. Call on the FX thread. */
    public static void copy(String text) {
        Objects.requireNonNull(text, "text");
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("Clipboards.copy must run on the JavaFX thread");
        }
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
    }
}
