package dev.trellis.desktop.platform;

import dev.trellis.desktop.model.Notice;

/** Shows a desktop notification. Implementations never throw and never block for long. */
@FunctionalInterface
public interface Notifier {
    void show(Notice notice);
}
