package dev.trellis.coordinator.cluster;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * A {@link ChangeBus} over PostgreSQL LISTEN/NOTIFY, for coordinators that share one database.
 *
 * <p>Two dedicated connections, outside the store's pool (a connection held for ever would
 * shrink the pool, and the pool retires connections after a while, which would drop the
 * LISTEN): one LISTENs on {@value #CHANNEL} and is polled by the listening thread, the other
 * is the publisher's (see {@link NotifyPublisher}). A JDBC connection serves one thread at a
 * time, and pgjdbc holds the connection's lock while it waits for notifications, so sharing one
 * would delay every publish by up to a poll. Both need a session of their own: LISTEN does not
 * work through a pooler in transaction mode.
 *
 * <p>When the listening connection fails (or stops answering the heartbeat), the bus reconnects
 * with a growing, jittered delay, LISTENs again and then tells the listeners to resync, since
 * notifications sent meanwhile went to nobody.
 */
public final class PostgresChangeBus implements ChangeBus {
    /** The notification channel; NOTIFY is per database, so coordinators of other databases never hear it. */
    public static final String CHANNEL = "trellis_changes";
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.cluster");
    private static final String JDBC_SCHEME = "jdbc:postgresql:";

    /**
     * How the bus behaves.
     *
     * @param heartbeat after this long without a notification the listening connection is checked
     * @param timeout connect, statement and heartbeat timeout; a connection that takes longer is given up
     * @param reconnectMin first delay before reconnecting
     * @param reconnectMax longest delay before reconnecting
     * @param queueCapacity changes held while the database is unreachable; past it, receivers resync
     * @param closeTimeout how long close waits to send queued changes and for each thread to stop
     */
    public record Settings(Duration heartbeat, Duration timeout, Duration reconnectMin, Duration reconnectMax,
            int queueCapacity, Duration closeTimeout) {
        public Settings {
            positive(heartbeat, "heartbeat");
            positive(timeout, "timeout");
            if (timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("timeout must be at least 1 s (JDBC counts it in seconds), got "
                        + timeout);
            }
            positive(reconnectMin, "reconnectMin");
            positive(reconnectMax, "reconnectMax");
            if (reconnectMax.compareTo(reconnectMin) < 0) {
                throw new IllegalArgumentException("reconnectMax " + reconnectMax + " is less than reconnectMin "
                        + reconnectMin);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be positive, got " + queueCapacity);
            }
            positive(closeTimeout, "closeTimeout");
        }

        /**
         * Heartbeat 5 s and timeout 10 s: a connection that went silent is noticed in about 15 s
         * (a broken one at once). Reconnects from 100 ms to 5 s; 10,000 queued changes (about
         * 1 MB).
         */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(100),
                    Duration.ofSeconds(5), 10_000, Duration.ofSeconds(2));
        }

        private static void positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
        }
    }

    private final String processId = ChangeCodec.newProcessId();
    private final Settings settings;
    private final Connector connector;
    private final Counters counters = new Counters();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final NotifyPublisher publisher;
    private final Thread listenThread;
    private final Backoff backoff;
    private volatile boolean closed;
    private volatile boolean connected;
    /** The listening connection, so close can abort a poll that is waiting. */
    private volatile Connection listening;

    /** As {@link #start(String, Settings)} with the default settings. */
    public static PostgresChangeBus start(String jdbcUrl) {
        return start(jdbcUrl, Settings.defaults());
    }

    /**
     * Connects, LISTENs and starts the bus's threads. Returns once this process hears changes,
     * so a caller can subscribe and then load its state from the store without missing any.
     *
     * @param jdbcUrl {@code jdbc:postgresql://host:port/database?user=…}, the store's URL
     * @throws ChangeBusException if the database can't be reached or refuses to LISTEN; the
     *     message never contains the URL's credentials
     */
    public static PostgresChangeBus start(String jdbcUrl, Settings settings) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(settings, "settings");
        if (!jdbcUrl.startsWith(JDBC_SCHEME)) {
            throw new IllegalArgumentException("the change bus needs a jdbc:postgresql: URL, got " + redact(jdbcUrl));
        }
        PostgresChangeBus bus = new PostgresChangeBus(jdbcUrl, settings);
        Connection first;
        try {
            first = bus.openListening();
        } catch (SQLException e) {
            throw new ChangeBusException("cannot listen for cluster changes on PostgreSQL at " + redact(jdbcUrl)
                    + ": " + e.getMessage(), e);
        }
        bus.listening = first;
        bus.connected = true;
        bus.listenThread.start();
        bus.publisher.start();
        return bus;
    }

    private PostgresChangeBus(String jdbcUrl, Settings settings) {
        this.settings = settings;
        this.connector = role -> DriverManager.getConnection(jdbcUrl, connectionProperties(role));
        this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax());
        this.publisher = new NotifyPublisher(CHANNEL, processId, connector, settings.queueCapacity(),
                new Backoff(settings.reconnectMin(), settings.reconnectMax()), counters);
        this.listenThread = Thread.ofPlatform().daemon().name("trellis-changes-listen-" + processId)
                .unstarted(this::listen);
    }

    /**
     * Defaults for the bus's connections; parameters in the URL take precedence. The
     * application name shows the bus's connections in {@code pg_stat_activity}.
     */
    private Properties connectionProperties(String role) {
        Properties p = new Properties();
        p.setProperty("ApplicationName", "trellis-changes-" + role + " " + processId);
        String seconds = Long.toString(settings.timeout().toSeconds());
        p.setProperty("connectTimeout", seconds);
        p.setProperty("loginTimeout", seconds);
        p.setProperty("socketTimeout", seconds); // a poll for notifications sets its own timeout
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /** This process's id in payloads (16 hex digits); its own notifications carry it and are ignored. */
    public String processId() {
        return processId;
    }

    @Override
    public void publish(Change change) {
        Objects.requireNonNull(change, "change");
        publisher.publish(change);
    }

    @Override
    public void subscribe(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public ChangeBusMetrics metrics() {
        return counters.snapshot(connected);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        publisher.close(settings.closeTimeout());
        synchronized (this) {
            notifyAll(); // ends a reconnect delay
        }
        abort(listening);
        try {
            if (!listenThread.join(settings.closeTimeout().plus(settings.timeout()))) {
                LOG.log(Level.WARNING, "the cluster change listener did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connected = false;
    }

    private Connection openListening() throws SQLException {
        Connection c = connector.open("listen");
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
            return c;
        } catch (SQLException e) {
            NotifyPublisher.closeQuietly(c);
            throw e;
        }
    }

    private void listen() {
        Connection c = listening;
        long quietSince = System.nanoTime();
        boolean lostLogged = false;
        while (!closed) {
            try {
                if (c == null) {
                    c = openListening();
                    listening = c;
                    if (closed) {
                        break; // close() may have looked before the connection was published
                    }
                    connected = true;
                    backoff.reset();
                    counters.reconnects.incrementAndGet();
                    LOG.log(Level.INFO, "listening for cluster changes again; resynchronising");
                    lostLogged = false;
                    resyncAll();
                    quietSince = System.nanoTime();
                }
                PGNotification[] got = c.unwrap(PGConnection.class)
                        .getNotifications((int) Math.min(Integer.MAX_VALUE, settings.heartbeat().toMillis()));
                if (got != null && got.length > 0) {
                    quietSince = System.nanoTime();
                    for (PGNotification n : got) {
                        receive(n);
                    }
                } else if (System.nanoTime() - quietSince >= settings.heartbeat().toNanos()) {
                    if (!c.isValid((int) settings.timeout().toSeconds())) {
                        throw new SQLException("the connection did not answer within " + settings.timeout());
                    }
                    quietSince = System.nanoTime();
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                connected = false;
                if (!lostLogged) {
                    LOG.log(Level.WARNING, "lost the connection that listens for cluster changes; reconnecting: "
                            + e.getMessage());
                    lostLogged = true;
                }
                NotifyPublisher.closeQuietly(c);
                c = null;
                listening = null;
                if (!pause(backoff.next())) {
                    break;
                }
            }
        }
        NotifyPublisher.closeQuietly(c);
        listening = null;
    }

    private void receive(PGNotification n) {
        if (!CHANNEL.equals(n.getName())) {
            return;
        }
        ChangeCodec.Payload payload;
        try {
            payload = ChangeCodec.decode(n.getParameter());
        } catch (ChangeCodec.MalformedPayloadException e) {
            long count = counters.malformed.incrementAndGet();
            if (Counters.worthLogging(count)) {
                LOG.log(Level.WARNING, "ignored a malformed cluster change notification from backend " + n.getPID()
                        + " (" + count + " so far): " + e.getMessage());
            }
            return;
        }
        if (payload.processId().equals(processId)) {
            counters.ownIgnored.incrementAndGet();
            return;
        }
        if (payload.unknownKinds() > 0) {
            long count = counters.unknownKinds.addAndGet(payload.unknownKinds());
            if (Counters.worthLogging(count)) {
                LOG.log(Level.INFO, "skipped cluster changes of kinds this coordinator does not know (" + count
                        + " so far): is a newer coordinator running?");
            }
        }
        if (payload.resync()) {
            resyncAll();
        }
        for (Change change : payload.changes()) {
            counters.received.incrementAndGet();
            for (Listener l : listeners) {
                try {
                    l.changed(change);
                } catch (RuntimeException e) {
                    listenerFailed(e);
                }
            }
        }
    }

    private void resyncAll() {
        counters.resyncs.incrementAndGet();
        for (Listener l : listeners) {
            try {
                l.resync();
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    private void listenerFailed(RuntimeException e) {
        long count = counters.listenerFailures.incrementAndGet();
        if (Counters.worthLogging(count)) {
            LOG.log(Level.WARNING, "a cluster change listener failed (" + count + " failures so far)", e);
        }
    }

    /** Waits before reconnecting; false if the bus closed meanwhile. */
    private synchronized boolean pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        try {
            for (long left = delay.toNanos(); !closed && left > 0; left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed;
    }

    private static void abort(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.abort(Runnable::run); // closes the socket: a poll waiting on it fails at once
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "aborting the listening connection failed", e);
        }
    }

    /** The URL without query parameters or user info, which may carry a password. */
    static String redact(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return base.replaceAll("//[^/@]*@", "//");
    }
}
