package dev.trellis.coordinator.store;

/**
 * A newly created API key with its full text, which exists only here: show it to the user once
 * and drop it. {@link #toString()} leaves the text out.
 */
public record IssuedApiKey(ApiKey key, String text) {
    public IssuedApiKey {
        Checks.notNull(key, "key");
        Checks.notNull(text, "text");
    }

    @Override
    public String toString() {
        return "IssuedApiKey[" + key + "]";
    }
}
