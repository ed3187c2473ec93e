package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * One message of the {@code watch-ipn-bus} stream: Tailscale's {@code ipn.Notify}. Each field
 * that is present carries news; an absent (null) field has not changed. On the wire each message
 * is one line of JSON.
 *
 * @param version the daemon's version; sent in every message
 * @param errMessage a critical error: the operation a client waits for has failed
 * @param errCode Trellis extension: the {@link ErrorCode} of {@code errMessage}, or null
 * @param loginFinished true when an interactive login has just completed (JSON {@code {}};
 *     omitted when false)
 * @param state the new or current state; on the wire its number ({@code 6} = Running)
 * @param prefs the new or current prefs
 * @param netMap the new or current network map
 * @param engine new engine counters
 * @param browseToUrl a URL the user must open now to log in
 * @param health the new health state
 */
public record Notify(
        @JsonProperty("Version") String version,
        @JsonProperty("ErrMessage") String errMessage,
        @JsonProperty("ErrCode") String errCode,
        @JsonProperty("LoginFinished")
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        @JsonSerialize(using = LocalApiJson.PresenceSerializer.class)
        @JsonDeserialize(using = LocalApiJson.PresenceDeserializer.class)
        boolean loginFinished,
        @JsonProperty("State")
        @JsonSerialize(using = LocalApiJson.StateNumberSerializer.class)
        @JsonDeserialize(using = LocalApiJson.StateNumberDeserializer.class)
        BackendState state,
        @JsonProperty("Prefs") Prefs prefs,
        @JsonProperty("NetMap") NetMap netMap,
        @JsonProperty("Engine") EngineStatus engine,
        @JsonProperty("BrowseToURL") String browseToUrl,
        @JsonProperty("Health") HealthState health) {

    public static Notify ofState(String version, BackendState state) {
        return new Notify(version, null, null, false, state, null, null, null, null, null);
    }

    public static Notify ofBrowseToUrl(String version, String url) {
        return new Notify(version, null, null, false, null, null, null, null, url, null);
    }

    public static Notify ofError(String version, String code, String message) {
        return new Notify(version, message, code, false, null, null, null, null, null, null);
    }

    public static Notify ofLoginFinished(String version) {
        return new Notify(version, null, null, true, null, null, null, null, null, null);
    }
}
