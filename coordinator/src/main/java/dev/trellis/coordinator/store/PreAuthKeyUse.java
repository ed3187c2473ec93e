package dev.trellis.coordinator.store;

/**
 * Outcome of presenting a pre-auth key ({@link Store#consumePreAuthKey}).
 *
 * @param key the key as stored after this use (marked used); null unless {@link Status#ACCEPTED}
 */
public record PreAuthKeyUse(Status status, PreAuthKey key) {
    /**
     * Checked in this order, so that someone who knows only a prefix learns nothing about the
     * key's state: NOT_FOUND, WRONG_SECRET, EXPIRED, USED.
     */
    public enum Status {
        ACCEPTED("accepted"),
        NOT_FOUND("no such key"),
        WRONG_SECRET("wrong secret"),
        EXPIRED("the key has expired"),
        USED("the one-shot key was already used");

        private final String description;

        Status(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public PreAuthKeyUse {
        Checks.notNull(status, "status");
        if ((status == Status.ACCEPTED) != (key != null)) {
            throw new IllegalArgumentException("an accepted use carries the key, a refused one does not");
        }
    }

    static PreAuthKeyUse refused(Status status) {
        return new PreAuthKeyUse(status, null);
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }
}
