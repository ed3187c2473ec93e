package dev.trellis.coordinator.admin;

import java.util.Objects;

/**
 * An admin request failed: the HTTP status, a stable code for programs and a message for people
 * saying what to do. The API answers it as {@code {"error": message, "code": code}}; the command
 * line's admin client throws it for such an answer. Messages never contain secrets.
 */
public final class AdminApiException extends Exception {
    private final int status;
    private final String code;

    public AdminApiException(int status, String code, String message) {
        super(Objects.requireNonNull(message, "message"));
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, got " + status);
        }
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    static AdminApiException badRequest(String message) {
        return new AdminApiException(400, "bad_request", message);
    }

    static AdminApiException notFound(String message) {
        return new AdminApiException(404, "not_found", message);
    }

    static AdminApiException unauthorized(String message) {
        return new AdminApiException(401, "unauthorized", message);
    }

    static AdminApiException tooLarge(long limit) {
        return new AdminApiException(413, "body_too_large", "request body is larger than " + limit + " bytes");
    }
}
