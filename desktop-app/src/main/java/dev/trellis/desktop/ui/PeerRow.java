package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.Formats;
import dev.trellis.desktop.model.PeerView;
import dev.trellis.desktop.model.PeerView.PathKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javafx.beans.Observable;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;

/**
 * One line of the peer list, kept for as long as its peer ({@link #key()}) is in the network: an
 * update changes its properties in place, so the table's cells repaint the values that changed
 * and the selection, the scroll position and the row stay put.
 */
final class PeerRow {
    /** The name column: the name, and the dot before it. */
    record Name(String name, boolean online) {}

    /** The "Last seen" column: online now, else when it was last seen ({@code text} as of the last update). */
    record Seen(boolean online, Instant at, String text) {}

    /** The "Path" column: a tag (direct, relayed, idle, offline) and its detail (the endpoint, the relay). */
    record Path(PathKind kind, String tag, String detail, String reason) {}

    static final Comparator<Name> BY_NAME = Comparator.comparing(Name::name, NaturalOrder.INSTANCE);
    static final Comparator<Seen> BY_SEEN = Comparator.comparing(Seen::online).reversed()
            .thenComparing(Seen::at, Comparator.nullsLast(Comparator.reverseOrder()));
    static final Comparator<Path> BY_PATH = Comparator.comparing(Path::kind)
            .thenComparing(Path::detail, NaturalOrder.INSTANCE);

    private final String key;
    private PeerView view;
    private final ObjectProperty<Name> name = new SimpleObjectProperty<>(this, "name");
    private final ObjectProperty<String> user = new SimpleObjectProperty<>(this, "user");
    private final ObjectProperty<String> os = new SimpleObjectProperty<>(this, "os");
    private final ObjectProperty<List<String>> addresses = new SimpleObjectProperty<>(this, "addresses");
    private final ObjectProperty<Seen> seen = new SimpleObjectProperty<>(this, "seen");
    private final ObjectProperty<Path> path = new SimpleObjectProperty<>(this, "path");
    private final ObjectProperty<Duration> latency = new SimpleObjectProperty<>(this, "latency");
    private final ObjectProperty<Long> rx = new SimpleObjectProperty<>(this, "rx");
    private final ObjectProperty<Long> tx = new SimpleObjectProperty<>(this, "tx");
    /** Moves once per update that changed anything: the list's extractor watches it, so sorting and filtering see changes. */
    private final ReadOnlyIntegerWrapper version = new ReadOnlyIntegerWrapper(this, "version");

    PeerRow(PeerView v, Instant now) {
        key = v.key();
        update(v, now);
    }

    String key() {
        return key;
    }

    /** The peer as of the last update. */
    PeerView view() {
        return view;
    }

    /** Takes {@code v}'s values; true when any shown value changed. */
    boolean update(PeerView v, Instant now) {
        if (!v.key().equals(key)) {
            throw new IllegalArgumentException("row " + key + " cannot show peer " + v.key());
        }
        boolean changed = !v.equals(view);
        view = v;
        changed |= set(name, new Name(v.name(), v.online()));
        changed |= set(user, userText(v));
        changed |= set(os, v.os());
        changed |= set(addresses, Addresses.canonical(v.addresses()));
        changed |= set(seen, new Seen(v.online(), v.lastSeen(), v.online() ? "Online" : Formats.ago(v.lastSeen(), now)));
        changed |= set(path, pathOf(v));
        changed |= set(latency, v.latency());
        changed |= set(rx, v.rxBytes());
        changed |= set(tx, v.txBytes());
        if (changed) {
            version.set(version.get() + 1);
        }
        return changed;
    }

    /** Whether every word of {@code query} is in the name, DNS name, owner, an address or the OS. */
    boolean matches(String query) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            return true;
        }
        StringBuilder hay = new StringBuilder();
        hay.append(view.name()).append('\n').append(Objects.toString(view.dnsName(), "")).append('\n')
                .append(view.user()).append('\n').append(view.userDisplayName()).append('\n')
                .append(view.os()).append('\n').append(String.join("\n", view.addresses())).append('\n')
                .append(String.join("\n", addresses.get())).append('\n')
                .append(String.join("\n", view.tags()));
        String h = hay.toString().toLowerCase(Locale.ROOT);
        for (String word : q.split("\\s+")) {
            if (!h.contains(word)) {
                return false;
            }
        }
        return true;
    }

    Observable[] observables() {
        return new Observable[] {version};
    }

    ReadOnlyIntegerProperty versionProperty() {
        return version.getReadOnlyProperty();
    }

    ObservableValue<Name> nameProperty() {
        return name;
    }

    ObservableValue<String> userProperty() {
        return user;
    }

    ObservableValue<String> osProperty() {
        return os;
    }

    /** The addresses in canonical text, the first to copy. */
    List<String> addresses() {
        return addresses.get();
    }

    ObservableValue<List<String>> addressesProperty() {
        return addresses;
    }

    ObservableValue<Seen> seenProperty() {
        return seen;
    }

    ObservableValue<Path> pathProperty() {
        return path;
    }

    ObservableValue<Duration> latencyProperty() {
        return latency;
    }

    ObservableValue<Long> rxProperty() {
        return rx;
    }

    ObservableValue<Long> txProperty() {
        return tx;
    }

    /** A tagged device shows its tags; a person's shows their login name. */
    private static String userText(PeerView v) {
        if (!v.tags().isEmpty()) {
            return String.join(", ", v.tags());
        }
        return v.user().isEmpty() ? "—" : v.user();
    }

    private static Path pathOf(PeerView v) {
        return switch (v.path()) {
            case DIRECT -> new Path(PathKind.DIRECT, "direct", v.endpoint(), null);
            case RELAYED -> new Path(PathKind.RELAYED, "relayed", "via " + v.relay(), v.relayReason());
            case NONE -> new Path(PathKind.NONE, v.pathWord(), "", null);
        };
    }

    private static <T> boolean set(ObjectProperty<T> p, T value) {
        if (Objects.equals(p.get(), value)) {
            return false;
        }
        p.set(value);
        return true;
    }
}
