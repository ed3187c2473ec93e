package dev.trellis.desktop.tray.sni;

import java.util.Map;
import java.util.function.Function;
import org.freedesktop.dbus.errors.PropertyReadOnly;
import org.freedesktop.dbus.errors.UnknownProperty;
import org.freedesktop.dbus.types.Variant;

/**
 * The {@code org.freedesktop.DBus.Properties} answers the exported objects share: their
 * properties are read-only snapshots, each call is recorded, and an unknown name is a D-Bus error.
 */
final class ReadOnlyProperties {
    private final String interfaceName;
    private final HostCalls calls;
    private final Function<String, Map<String, Variant<?>>> snapshot;

    /** @param snapshot the properties of the interface asked for (throws UnknownInterface for another) */
    ReadOnlyProperties(String interfaceName, HostCalls calls, Function<String, Map<String, Variant<?>>> snapshot) {
        this.interfaceName = interfaceName;
        this.calls = calls;
        this.snapshot = snapshot;
    }

    @SuppressWarnings("unchecked")
    <A> A get(String asked, String propertyName) {
        calls.record("Get", asked + " " + propertyName);
        Variant<?> v = snapshot.apply(asked).get(propertyName);
        if (v == null) {
            throw new UnknownProperty("no property " + propertyName + " on " + interfaceName);
        }
        return (A) v;
    }

    PropertyReadOnly readOnly() {
        return new PropertyReadOnly("the properties of " + interfaceName + " are read-only");
    }

    Map<String, Variant<?>> getAll(String asked) {
        calls.record("GetAll", asked);
        return snapshot.apply(asked);
    }
}
