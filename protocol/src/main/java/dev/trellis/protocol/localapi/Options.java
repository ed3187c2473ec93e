package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /localapi/v0/start}: Tailscale's {@code ipn.Options}. Starting
 * (re)starts the node's session with these prefs and, if given, logs in with the auth key.
 *
 * @param authKey a pre-authorised key that logs the node in without a browser, or null. It is
 *     a secret: {@link #toString()} hides it, and nothing may log it
 * @param updatePrefs prefs to apply before starting (see {@link Prefs#merge}), or null to keep
 *     the current ones
 */
public record Options(
        @JsonProperty("AuthKey") String authKey,
        @JsonProperty("UpdatePrefs") Prefs updatePrefs) {

    @Override
    public String toString() {
        return "Options[authKey=" + (authKey == null || authKey.isEmpty() ? "none" : "[redacted]")
                + ", updatePrefs=" + updatePrefs + "]";
    }
}
