package dev.trellis.desktop.model;

import java.util.Objects;

/**
 * One desktop notification.
 *
 * @param kind what it is about (lets a notifier replace an older one of the same kind)
 * @param title a few words
 * @param body one or two sentences
 */
public record Notice(Kind kind, String title, String body) {
    public enum Kind {
        LOGIN_NEEDED, CONNECTED, DISCONNECTED, KEY_EXPIRING, ERROR
    }

    public Notice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        body = body == null ? "" : body;
    }
}
