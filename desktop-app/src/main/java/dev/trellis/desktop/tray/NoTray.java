package dev.trellis.desktop.tray;

import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayState;
import java.util.List;
import java.util.Objects;

/**
 * No icon: the window is the whole app. Keeps why, for the window's banner, and each provider's
 * own reason for the log and a "details" line.
 *
 * @param reason why there is no icon, in words for people
 * @param attempts what each kind of tray said when it was tried, e.g. "xembed: no XEmbed tray on :0"
 */
public record NoTray(String reason, List<String> attempts) implements Tray {
    public NoTray {
        Objects.requireNonNull(reason, "reason");
        attempts = List.copyOf(attempts);
    }

    public NoTray(String reason) {
        this(reason, List.of());
    }

    @Override
    public String kind() {
        return NONE;
    }

    @Override
    public boolean available() {
        return false;
    }

    @Override
    public String unavailableReason() {
        return reason;
    }

    @Override
    public void update(TrayState state, String tooltip, List<MenuEntry> menu) {}

    @Override
    public void close() {}
}
