package dev.trellis.protocol.localapi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable copies for record fields. JSON may carry {@code null} for a list, a map or one of
 * their elements (Go writes a nil slice or map as {@code null}); a null there means "nothing",
 * so it becomes an empty collection or is dropped, and clients never null-check.
 */
final class Copies {
    private Copies() {}

    static <T> List<T> list(List<T> in) {
        if (in == null) {
            return List.of();
        }
        return in.stream().filter(Objects::nonNull).toList();
    }

    /** Keeps the JSON's key order (for stable output); null keys and values are dropped. */
    static <K, V> Map<K, V> map(Map<K, V> in) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        Map<K, V> copy = new LinkedHashMap<>();
        in.forEach((k, v) -> {
            if (k != null && v != null) {
                copy.put(k, v);
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /** Like {@link #list} but keeps null as null, for fields where absent means "unchanged". */
    static <T> List<T> listOrNull(List<T> in) {
        return in == null ? null : list(in);
    }

    static <T> List<T> mutable(List<T> in) {
        return in == null ? null : new ArrayList<>(in);
    }
}
