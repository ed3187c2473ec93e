package dev.trellis.protocol.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * An immutable, ordered list of header fields with case-insensitive lookup. Names keep the case
 * they were given in. {@link #toString()} shows names only, since values may be credentials.
 */
public final class HttpHeaders {
    public static final HttpHeaders EMPTY = new HttpHeaders(List.of());

    /** Alternating name, value. */
    private final List<String> fields;

    private HttpHeaders(List<String> fields) {
        this.fields = fields;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The given headers, in the map's iteration order; names and values are checked. */
    public static HttpHeaders of(Map<String, String> headers) {
        Builder b = builder();
        headers.forEach(b::add);
        return b.build();
    }

    public Optional<String> first(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return Optional.of(fields.get(i + 1));
            }
        }
        return Optional.empty();
    }

    public List<String> all(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                values.add(fields.get(i + 1));
            }
        }
        return Collections.unmodifiableList(values);
    }

    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /**
     * True if a comma-separated list header ({@code Connection}, {@code Upgrade},
     * {@code Transfer-Encoding}...) has {@code token} as an element, compared case-insensitively;
     * for {@code Upgrade} an element's {@code /version} suffix is not part of the comparison.
     */
    public boolean hasToken(String name, String token) {
        for (String element : elements(name)) {
            String bare = element.contains("/") && !token.contains("/")
                    ? element.substring(0, element.indexOf('/')) : element;
            if (bare.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** The non-empty elements of every {@code name} field, split at commas and trimmed. */
    List<String> elements(String name) {
        List<String> out = new ArrayList<>();
        for (String value : all(name)) {
            for (String part : value.split(",", -1)) {
                String trimmed = Syntax.trimOws(part);
                if (!trimmed.isEmpty()) {
                    out.add(trimmed);
                }
            }
        }
        return out;
    }

    public int size() {
        return fields.size() / 2;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < fields.size(); i += 2) {
            action.accept(fields.get(i), fields.get(i + 1));
        }
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        forEach((n, v) -> names.add(n.toLowerCase(Locale.ROOT)));
        return "HttpHeaders" + names;
    }

    /** Collects fields; {@link #add} checks names and values so no CR or LF can split a message. */
    public static final class Builder {
        private final List<String> fields = new ArrayList<>();

        private Builder() {}

        public Builder add(String name, String value) {
            Syntax.requireToken(name, "header name");
            Syntax.requireFieldValue(value, "value of header " + name);
            return addChecked(name, Syntax.trimOws(value));
        }

        /** For the parsers, which have already checked both. */
        Builder addChecked(String name, String value) {
            fields.add(name);
            fields.add(value);
            return this;
        }

        public HttpHeaders build() {
            return fields.isEmpty() ? EMPTY : new HttpHeaders(List.copyOf(fields));
        }
    }
}
