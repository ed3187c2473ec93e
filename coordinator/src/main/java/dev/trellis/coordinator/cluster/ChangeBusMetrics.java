package dev.trellis.coordinator.cluster;

/**
 * A snapshot of a {@link ChangeBus}'s counters, each counted since the bus started.
 *
 * @param published changes this process sent (their NOTIFY committed)
 * @param publishFailures attempts to send that failed; the changes were sent again after a reconnect
 * @param publishDropped changes this process gave up on: the queue overflowed while the database
 *     was unreachable (receivers are then told to resync), or they were still queued at close
 * @param received changes from other processes handed to the listeners
 * @param ownIgnored notifications this process itself sent, which came back and were ignored
 * @param malformed notifications that could not be read (or came in an unknown format version), ignored
 * @param unknownKinds changes of a kind this version does not know (a newer coordinator's), skipped
 * @param reconnects times the listening connection was lost and opened again
 * @param resyncs times the listeners were told to resynchronise
 * @param listenerFailures exceptions listeners threw, caught and logged
 * @param connected whether the listening connection is up now
 */
public record ChangeBusMetrics(long published, long publishFailures, long publishDropped, long received,
        long ownIgnored, long malformed, long unknownKinds, long reconnects, long resyncs, long listenerFailures,
        boolean connected) {}
