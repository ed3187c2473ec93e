package dev.trellis.coordinator.cluster;

/**
 * Carries {@link Change}s between the coordinator processes that share one database.
 *
 * <p>Delivery is at least once and in publish order per publishing process, to the processes
 * connected at the time; a change may arrive twice (a publisher that lost its connection mid-send
 * sends again). Whenever changes may have been lost (this bus's connection broke, or a
 * publisher had to drop changes), listeners get {@link Listener#resync()} instead, after which
 * re-reading the store brings them up to date.
 *
 * <p>A receiver that loads its state from the store must {@link #subscribe} first and load
 * second: a change committed during the load then still reaches the listener afterwards.
 */
public interface ChangeBus extends AutoCloseable {
    /**
     * Publishes a change. Call it after the change's store transaction committed (a receiver
     * re-reads the store and must find the change there), never inside the transaction. Never
     * blocks on the network: the change is queued and sent in order by the bus. Failures are
     * logged and counted in {@link #metrics()}, not thrown.
     *
     * @throws NullPointerException if {@code change} is null
     */
    void publish(Change change);

    /**
     * Adds a listener. It hears changes published by other processes (never this one's own), in
     * publish order per publisher, on a bus thread. It must return quickly (apply an in-memory
     * change, or hand off): while it runs, the bus delivers nothing else. An exception it
     * throws is logged and counted, and delivery goes on.
     */
    void subscribe(Listener listener);

    /** The bus's counters so far. */
    ChangeBusMetrics metrics();

    /**
     * Sends what is queued (for a bounded time), then stops the bus's threads and closes its
     * connections. Idempotent; {@link #publish} after close drops the change and counts it.
     */
    @Override
    void close();

    /** Hears changes from other processes. */
    interface Listener {
        /** Another process made this change; it is committed in the store. */
        void changed(Change change);

        /**
         * Changes may have been missed (the bus lost its connection and regained it, or a
         * publisher dropped changes): re-read everything from the store.
         */
        void resync();
    }
}
