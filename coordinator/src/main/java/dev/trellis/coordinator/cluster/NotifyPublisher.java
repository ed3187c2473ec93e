package dev.trellis.coordinator.cluster;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends published changes, in order, from one thread over one dedicated connection: as many
 * queued changes as fit in one payload go in one {@code pg_notify}, each in its own autocommit
 * transaction (NOTIFY is delivered when its transaction commits, and PostgreSQL folds identical
 * payloads within one transaction into one).
 *
 * <p>A send that fails is sent again after reconnecting, so a change may arrive twice but is
 * not lost. While the database is unreachable changes queue up to a bound; past it the queue
 * is replaced by a resync marker, which tells every receiver to re-read the store.
 */
final class NotifyPublisher {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.cluster");
    private static final String NOTIFY = "SELECT pg_notify(?, ?)";

    private final String channel;
    private final String header;
    private final Connector connector;
    private final int capacity;
    private final Counters counters;
    private final Backoff backoff;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ArrayDeque<Change> queue = new ArrayDeque<>();
    /** Changes were dropped: the next payload starts with the resync marker. Guarded by lock. */
    private boolean lost;
    /** Guarded by lock. */
    private boolean closing;
    /** The connection in use, so close can abort a send that hangs. */
    private volatile Connection connection;

    NotifyPublisher(String channel, String processId, Connector connector, int capacity, Backoff backoff,
            Counters counters) {
        this.channel = channel;
        this.header = ChangeCodec.header(processId);
        this.connector = connector;
        this.capacity = capacity;
        this.backoff = backoff;
        this.counters = counters;
        this.thread = Thread.ofPlatform().daemon().name("trellis-changes-publish-" + processId).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    void publish(Change change) {
        lock.lock();
        try {
            if (closing) {
                counters.publishDropped.incrementAndGet();
                return;
            }
            if (queue.size() >= capacity) {
                // Whatever is queued is committed already; a resync re-reads all of it.
                long dropped = counters.publishDropped.addAndGet(queue.size());
                queue.clear();
                if (!lost) {
                    LOG.log(Level.WARNING, "cluster change queue full (" + capacity + "): the database has not"
                            + " taken changes for a while; other coordinators will be told to resync ("
                            + dropped + " changes dropped so far)");
                }
                lost = true;
            }
            queue.add(change);
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking changes, sends what is queued for up to {@code timeout}, then gives up on the
     * rest (counted as dropped) and stops the thread.
     */
    void close(Duration timeout) {
        lock.lock();
        try {
            closing = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
        try {
            if (!thread.join(timeout)) {
                Connection c = connection;
                if (c != null) {
                    c.abort(Runnable::run); // the hung send fails now, and the thread sees closing
                }
                thread.join(timeout);
            }
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "aborting the publishing connection failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(Level.WARNING, "the cluster change publisher did not stop within " + timeout);
        }
    }

    private record Batch(String payload, int changes) {}

    private void run() {
        Batch inFlight = null;
        PreparedStatement notify = null;
        boolean failing = false;
        try {
            try {
                notify = connect(); // now rather than at the first change, which then goes out at once
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "cannot connect to publish cluster changes yet; will retry", e);
            }
            while (true) {
                if (inFlight == null) {
                    inFlight = next();
                    if (inFlight == null) {
                        return;
                    }
                }
                try {
                    if (notify == null) {
                        notify = connect();
                    }
                    notify.setString(2, inFlight.payload());
                    notify.executeQuery().close();
                    counters.published.addAndGet(inFlight.changes());
                    inFlight = null;
                    backoff.reset();
                    if (failing) {
                        LOG.log(Level.INFO, "publishing cluster changes again");
                        failing = false;
                    }
                } catch (SQLException e) {
                    notify = null;
                    closeQuietly(connection);
                    connection = null;
                    long failures = counters.publishFailures.incrementAndGet();
                    if (isClosing()) {
                        dropRest(inFlight);
                        return;
                    }
                    if (!failing || Counters.worthLogging(failures)) {
                        LOG.log(Level.WARNING, "publishing cluster changes failed (" + failures + " failures so far);"
                                + " retrying: " + e.getMessage());
                    }
                    failing = true;
                    if (!pause(backoff.next())) {
                        dropRest(inFlight);
                        return;
                    }
                }
            }
        } finally {
            closeQuietly(connection);
            connection = null;
        }
    }

    private PreparedStatement connect() throws SQLException {
        Connection c = connector.open("publish");
        connection = c;
        try {
            PreparedStatement notify = c.prepareStatement(NOTIFY);
            notify.setString(1, channel);
            return notify;
        } catch (SQLException e) {
            closeQuietly(c);
            connection = null;
            throw e;
        }
    }

    /** The next payload: as many queued changes as fit, after a resync marker if changes were lost. */
    private Batch next() {
        lock.lock();
        try {
            while (queue.isEmpty() && !lost && !closing) {
                wake.awaitUninterruptibly();
            }
            if (queue.isEmpty() && !lost) {
                return null;
            }
            StringBuilder payload = new StringBuilder(ChangeCodec.MAX_PAYLOAD_BYTES).append(header);
            if (lost) {
                payload.append(' ').append(ChangeCodec.RESYNC);
                lost = false;
            }
            int changes = 0;
            while (!queue.isEmpty()) {
                String token = ChangeCodec.token(queue.peek());
                if (payload.length() + 1 + token.length() > ChangeCodec.MAX_PAYLOAD_BYTES) {
                    break;
                }
                payload.append(' ').append(token);
                queue.poll();
                changes++;
            }
            return new Batch(payload.toString(), changes);
        } finally {
            lock.unlock();
        }
    }

    /** Waits before the next attempt; false if closing began meanwhile. */
    private boolean pause(Duration delay) {
        lock.lock();
        try {
            long nanos = delay.toNanos();
            while (!closing && nanos > 0) {
                nanos = wake.awaitNanos(nanos);
            }
            return !closing;
        } catch (InterruptedException e) {
            return !closing;
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosing() {
        lock.lock();
        try {
            return closing;
        } finally {
            lock.unlock();
        }
    }

    private void dropRest(Batch inFlight) {
        lock.lock();
        try {
            long dropped = inFlight.changes() + queue.size();
            queue.clear();
            counters.publishDropped.addAndGet(dropped);
            if (dropped > 0) {
                LOG.log(Level.WARNING, "closing with " + dropped + " cluster changes unsent: the database is unreachable");
            }
        } finally {
            lock.unlock();
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "closing a cluster connection failed", e);
        }
    }
}
