package dev.trellis.coordinator.login;

/**
 * The login front end can't start as configured: the OpenID provider is unreachable, its
 * discovery document is unusable, or it lacks something Trellis needs. The message says which
 * and what to check; it never holds the client secret.
 */
public final class LoginSetupException extends RuntimeException {
    public LoginSetupException(String message) {
        super(message);
    }

    public LoginSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
