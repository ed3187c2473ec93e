package dev.trellis.coordinator.policy;

import java.util.List;

/**
 * A parsed HuJSON value that remembers where it started, so that every policy error can point
 * at the exact line and column of what is wrong. Objects keep their keys in file order.
 */
sealed interface JsonValue {
    int line();

    int column();

    /** What the value is, for "expected X, got Y" messages. */
    String kind();

    record JObject(List<Field> fields, int line, int column) implements JsonValue {
        @Override
        public String kind() {
            return "an object";
        }
    }

    /** One key of an object; the position is the key's. */
    record Field(String key, JsonValue value, int line, int column) implements JsonValue {
        @Override
        public String kind() {
            return "a key";
        }
    }

    record JArray(List<JsonValue> items, int line, int column) implements JsonValue {
        @Override
        public String kind() {
            return "an array";
        }
    }

    record JString(String value, int line, int column) implements JsonValue {
        @Override
        public String kind() {
            return "a string";
        }
    }

    /** A number, true, false or null: the policy has no use for them except to reject them. */
    record JScalar(String text, int line, int column) implements JsonValue {
        @Override
        public String kind() {
            return text.equals("null") ? "null" : text.equals("true") || text.equals("false") ? "a boolean" : "a number";
        }
    }
}
