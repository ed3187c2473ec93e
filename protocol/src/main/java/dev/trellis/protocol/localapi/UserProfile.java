package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A user as LocalAPI clients see them: Tailscale's {@code tailcfg.UserProfile}. Not the control
 * protocol's {@code dev.trellis.protocol.control.UserProfile}, whose field names differ.
 *
 * @param id the coordinator's user ID; also the key of {@link Status#user()}
 * @param loginName e.g. {@code alice@example.com}; for display only
 * @param displayName e.g. {@code Alice Smith}
 * @param profilePicUrl an image URL, or null
 */
public record UserProfile(
        @JsonProperty("ID") long id,
        @JsonProperty("LoginName") String loginName,
        @JsonProperty("DisplayName") String displayName,
        @JsonProperty("ProfilePicURL") String profilePicUrl) {}
