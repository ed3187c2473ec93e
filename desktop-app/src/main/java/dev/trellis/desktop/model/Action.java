package dev.trellis.desktop.model;

import java.util.Objects;

/**
 * Something a click asks for. {@link Kind#COPY} carries the text to put on the clipboard; the
 * others carry nothing.
 */
public record Action(Kind kind, String text) {
    public enum Kind {
        CONNECT, DISCONNECT, LOG_IN, LOG_OUT, COPY, OPEN_WINDOW, PREFERENCES, QUIT
    }

    public Action {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.COPY && (text == null || text.isEmpty())) {
            throw new IllegalArgumentException("a copy needs its text");
        }
    }

    public static Action of(Kind kind) {
        return new Action(kind, null);
    }

    public static Action copy(String text) {
        return new Action(Kind.COPY, text);
    }
}
