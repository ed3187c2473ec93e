package dev.trellis.coordinator.cluster;

/** Chooses the change bus that fits the store's database. */
public final class ChangeBuses {
    private ChangeBuses() {}

    /**
     * A {@link PostgresChangeBus} for a {@code jdbc:postgresql:} URL (several coordinators may
     * share that database), a {@link LocalChangeBus} for SQLite ({@code null}, the data directory's
     * database, or a {@code jdbc:sqlite:} URL), which one process has to itself.
     *
     * @param jdbcUrlOrNull the store's database URL, as given to the store
     * @throws ChangeBusException if PostgreSQL can't be reached
     */
    public static ChangeBus forDatabase(String jdbcUrlOrNull) {
        if (jdbcUrlOrNull == null || jdbcUrlOrNull.startsWith("jdbc:sqlite:")) {
            return new LocalChangeBus();
        }
        if (jdbcUrlOrNull.startsWith("jdbc:postgresql:")) {
            return PostgresChangeBus.start(jdbcUrlOrNull);
        }
        throw new IllegalArgumentException("no change bus for database URL " + PostgresChangeBus.redact(jdbcUrlOrNull));
    }
}
