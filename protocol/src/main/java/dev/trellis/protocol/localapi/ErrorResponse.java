package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of a failed LocalAPI request, sent with an HTTP error status. Tailscale's is
 * {@code {"error": "..."}}; {@code code} and {@code group} are Trellis extensions that Tailscale's
 * clients ignore. Tailscale also answers some errors with plain text, so a client falls back to
 * the body text when it is not this JSON.
 *
 * @param error what went wrong and, for people, what to do; never contains secrets
 * @param code one of {@link ErrorCode}, or null
 * @param group with {@link ErrorCode#PERMISSION_DENIED}: the OS group allowed to use this
 *     request, or null
 */
public record ErrorResponse(
        @JsonProperty("error") String error,
        @JsonProperty("code") String code,
        @JsonProperty("group") String group) {

    public static ErrorResponse of(String error) {
        return new ErrorResponse(error, null, null);
    }

    public static ErrorResponse of(String code, String error) {
        return new ErrorResponse(error, code, null);
    }
}
