package dev.trellis.coordinator.store;

/**
 * Outcome of {@link Store#completeAuthRequest}.
 *
 * @param request the request after completion; null unless {@link Status#COMPLETED}
 */
public record AuthCompletion(Status status, AuthRequest request) {
    public enum Status {
        /** This call completed it. */
        COMPLETED,
        NOT_FOUND,
        /** Someone completed it before; a replayed auth URL authorizes nothing. */
        ALREADY_COMPLETED,
        EXPIRED
    }

    public AuthCompletion {
        Checks.notNull(status, "status");
        if ((status == Status.COMPLETED) != (request != null)) {
            throw new IllegalArgumentException("a completion carries the request, a refusal does not");
        }
    }

    public boolean completed() {
        return status == Status.COMPLETED;
    }
}
