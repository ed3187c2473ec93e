package dev.trellis.coordinator.store;

import java.util.List;

/**
 * Argument checks shared by the store's records. The limits keep a single row bounded even if a
 * caller forgets to check a network input; the protocol layer is expected to reject far earlier.
 */
final class Checks {
    static final int MAX_NAME = 255;
    static final int MAX_HOSTINFO = 256 * 1024;
    static final int MAX_LIST = 256;
    static final int MAX_LIST_ITEM = 256;

    private Checks() {}

    static String text(String value, String what, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return optionalText(value, what, max);
    }

    static String optionalText(String value, String what, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(what + " is " + value.length() + " characters; at most " + max
                    + " allowed");
        }
        return value;
    }

    static List<String> list(List<String> values, String what) {
        if (values == null) {
            throw new IllegalArgumentException(what + " must not be null (use an empty list)");
        }
        if (values.size() > MAX_LIST) {
            throw new IllegalArgumentException(what + " has " + values.size() + " entries; at most " + MAX_LIST
                    + " allowed");
        }
        for (String value : values) {
            text(value, "each of " + what, MAX_LIST_ITEM);
        }
        return List.copyOf(values);
    }

    static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }

    static byte[] hash(byte[] value) {
        if (value == null || value.length != Secrets.HASH_LENGTH) {
            throw new IllegalArgumentException("secret hash must be " + Secrets.HASH_LENGTH + " bytes");
        }
        return value.clone();
    }
}
