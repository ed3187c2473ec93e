package dev.trellis.desktop.tray;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to open the tray.
 *
 * @param kind the one kind of tray to use ({@value Tray#SNI}, {@value Tray#XEMBED} or {@value Tray#NONE}),
 *     or null to try them in order
 * @param id a stable name of the app for the desktop (StatusNotifierItem's Id), e.g. "trellis"
 * @param title the app's name for people: the tooltip before the first update, the SNI Title
 * @param openTimeout how long one provider may take to show its icon before it gives up
 */
public record TrayOptions(String kind, String id, String title, Duration openTimeout) {
    /** The environment variable that picks a kind of tray, e.g. {@code TRELLIS_TRAY=xembed}. */
    public static final String ENV = "TRELLIS_TRAY";
    static final Set<String> KINDS = Set.of(Tray.SNI, Tray.XEMBED, Tray.NONE);

    public TrayOptions {
        if (kind != null && !KINDS.contains(kind)) {
            throw new IllegalArgumentException("tray kind must be sni, xembed or none (or null for any), got '"
                    + kind + "'");
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(openTimeout, "openTimeout");
        if (openTimeout.isNegative() || openTimeout.isZero()) {
            throw new IllegalArgumentException("openTimeout must be positive, got " + openTimeout);
        }
    }

    /** Any kind of tray, "trellis", "Trellis", five seconds to open. */
    public static TrayOptions defaults() {
        return new TrayOptions(null, "trellis", "Trellis", Duration.ofSeconds(5));
    }

    /**
     * The defaults, with the kind {@value #ENV} names: {@code sni}, {@code xembed}, {@code none}, or
     * {@code auto} / empty / unset for any.
     *
     * @throws IllegalArgumentException when {@value #ENV} names no kind of tray (the message says what it may be)
     */
    public static TrayOptions fromEnvironment(Map<String, String> env) {
        String v = env.get(ENV);
        if (v == null || v.isBlank() || v.strip().equalsIgnoreCase("auto")) {
            return defaults();
        }
        String kind = v.strip().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException(ENV + " must be sni, xembed, none or auto, not '" + v + "'");
        }
        return defaults().withKind(kind);
    }

    public TrayOptions withKind(String kind) {
        return new TrayOptions(kind, id, title, openTimeout);
    }

    public TrayOptions withOpenTimeout(Duration openTimeout) {
        return new TrayOptions(kind, id, title, openTimeout);
    }
}
