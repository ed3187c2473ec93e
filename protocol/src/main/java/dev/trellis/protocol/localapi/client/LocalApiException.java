package dev.trellis.protocol.localapi.client;

/**
 * Why a LocalAPI call failed. The subtypes are the cases a user can act on differently; the
 * message of each is one line for people, never contains secrets, and says what to do when the
 * fix is known.
 */
public abstract sealed class LocalApiException extends Exception
        permits DaemonNotRunningException, PermissionDeniedException, LocalApiErrorException,
                LocalApiTimeoutException, LocalApiIoException {
    private static final long serialVersionUID = 1L;

    LocalApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
