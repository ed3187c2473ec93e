package dev.trellis.coordinator.login;

import dev.trellis.coordinator.store.AuthCompletion;

/**
 * A login that cannot go on, as the person at the browser should read it: a status, a title, a
 * sentence saying what happened and one saying what to do next (text, may hold `code`). Its
 * message is shown on the page and logged, so it never holds a secret or a request id.
 */
final class LoginError extends Exception {
    private final int status;
    private final String title;
    private final String nextStep;
    private final long retryAfterSeconds;

    LoginError(int status, String title, String message, String nextStep) {
        this(status, title, message, nextStep, 0);
    }

    LoginError(int status, String title, String message, String nextStep, long retryAfterSeconds) {
        super(message, null, false, false); // an expected outcome: no stack trace
        this.status = status;
        this.title = title;
        this.nextStep = nextStep;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    String title() {
        return title;
    }

    /** What to do next; null if the page needs no advice. */
    String nextStep() {
        return nextStep;
    }

    /** Seconds for a Retry-After header; 0 for none. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    static LoginError unknownRequest() {
        return new LoginError(404, "Unknown login link",
                "This login link is not one the coordinator knows: it may be mistyped, or it expired and was removed.",
                Pages.NEXT_STEP);
    }

    static LoginError expired() {
        return new LoginError(410, "Login link expired", "This login link expired before anyone logged in with it.",
                Pages.NEXT_STEP);
    }

    static LoginError alreadyUsed() {
        return new LoginError(409, "Login link already used",
                "This login link has already been used, so it cannot add a device again.",
                "If the device is not connected, run `trellis login` again on it to get a new link.");
    }

    /** The refusal for a completion that did not happen (never for COMPLETED). */
    static LoginError of(AuthCompletion.Status status) {
        return switch (status) {
            case NOT_FOUND -> unknownRequest();
            case EXPIRED -> expired();
            case ALREADY_COMPLETED -> alreadyUsed();
            case COMPLETED -> throw new IllegalArgumentException("a completed login is not an error");
        };
    }

    static LoginError badRequest(String what) {
        return new LoginError(400, "Bad request", what, "Open the login link from the device again and retry.");
    }
}
