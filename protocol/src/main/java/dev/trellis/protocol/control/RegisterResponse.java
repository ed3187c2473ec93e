package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The answer to a {@link RegisterRequest}.
 *
 * @param user the user the node now belongs to; null until authorized
 * @param machineAuthorized true when the node may fetch its map
 * @param nodeKeyExpired true when the key in the request has expired: log in again
 * @param authUrl the URL the user must open to log in; null when not needed
 * @param keyExpiry the node key's expiry; null = never
 * @param error why the request was refused, in words a user can act on; null on success
 */
public record RegisterResponse(
        long id,
        UserProfile user,
        boolean machineAuthorized,
        boolean nodeKeyExpired,
        @JsonProperty("AuthURL") String authUrl,
        Instant keyExpiry,
        String error) implements ControlMessage {}
