package dev.trellis.coordinator.store;

/**
 * A newly created pre-auth key with its full text, which exists only here: show it to the user
 * once and drop it. {@link #toString()} leaves the text out.
 */
public record IssuedPreAuthKey(PreAuthKey key, String text) {
    public IssuedPreAuthKey {
        Checks.notNull(key, "key");
        Checks.notNull(text, "text");
    }

    @Override
    public String toString() {
        return "IssuedPreAuthKey[" + key + "]";
    }
}
