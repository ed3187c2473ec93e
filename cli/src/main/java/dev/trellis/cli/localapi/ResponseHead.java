package dev.trellis.cli.localapi;

import java.util.List;
import java.util.Map;

/**
 * An HTTP response's status line and header fields.
 *
 * @param headers field values by lower-case name, in arrival order
 */
record ResponseHead(int status, String reason, Map<String, List<String>> headers) {

    /** The field's values, or an empty list. */
    List<String> all(String lowerCaseName) {
        return headers.getOrDefault(lowerCaseName, List.of());
    }

    /** The field's first value, or null. */
    String first(String lowerCaseName) {
        List<String> v = all(lowerCaseName);
        return v.isEmpty() ? null : v.getFirst();
    }

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
