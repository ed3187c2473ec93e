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
    /** What a search looks through, lower case: shown nowhere, but a change must re-filter the row. */
    private final ObjectProperty<String> searched = new SimpleObjectProperty<>(this, "searched");
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

    /** Takes {@code v}'s values; true when any shown (or searched) value changed. */
    boolean update(PeerView v, Instant now) {
        if (!v.key().equals(key)) {
            throw new IllegalArgumentException("row " + key + " cannot show peer " + v.key());
        }
        view = v;
        boolean changed = set(name, new Name(v.name(), v.online()));
        changed |= set(user, userText(v));
        changed |= set(os, v.os());
        changed |= set(addresses, Addresses.canonical(v.addresses()));
        // An online peer's last-seen time moves on every poll but shows as "Online": leave it out,
        // so the row does not change (and re-sort) for nothing.
        changed |= set(seen, v.online() ? new Seen(true, null, "Online")
                : new Seen(false, v.lastSeen(), Formats.ago(v.lastSeen(), now)));
        changed |= set(path, pathOf(v));
        changed |= set(latency, v.latency());
        changed |= set(rx, v.rxBytes());
        changed |= set(tx, v.txBytes());
        changed |= set(searched, searchText(v));
        if (changed) {
            version.set(version.get() + 1);
        }
        return changed;
    }

    /** Whether every word of {@code query} is in the name, DNS name, owner, an address, the tags or the OS. */
    boolean matches(String query) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            return true;
        }
        String hay = searched.get();
        for (String word : q.split("\\s+")) {
            if (!hay.contains(word)) {
                return false;
            }
        }
        return true;
    }

    private static String searchText(PeerView v) {
        return String.join("\n", v.name(), Objects.toString(v.dnsName(), ""), v.user(), v.userDisplayName(), v.os(),
                String.join("\n", v.addresses()), String.join("\n", Addresses.canonical(v.addresses())),
                String.join("\n", v.tags())).toLowerCase(Locale.ROOT);
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
