package dev.trellis.engine.uapi;

import dev.trellis.engine.wg.Configurable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serves UAPI on a Unix socket, so that {@code wg} and other WireGuard tools can configure a
 * {@link Configurable} device. One virtual thread per connection; each connection may carry
 * several requests. Set requests are applied one at a time, like wireguard-go's IPC lock.
 *
 * <p>Bounded against stuck or broken clients: a connection idle for 2 minutes, or taking over
 * 10 seconds to send a request or read its reply, is closed; a request over 16 MiB is refused
 * and the connection closed; lines over 4096 bytes are refused; at most
 * 64 connections are served at once, further clients wait in the listen backlog. Memory per
 * connection is a few KiB plus the {@code DeviceUpdate} being built.
 *
 * <p>Differences from wireguard-go, on purpose: a {@code set} is parsed whole before anything is
 * applied (see {@link UapiCodec}); a {@code set} cut off by end of stream is refused
 * ({@code EPROTO}) rather than applied; after a refused {@code set} the rest of the request is
 * read and dropped so the connection stays usable; requests sent back to back are all answered.
 */
public final class UapiServer implements AutoCloseable {
    /** Where WireGuard tools look for {@code <interface>.sock}. */
    public static final Path SOCKET_DIRECTORY = Path.of("/var/run/wireguard");

    private static final System.Logger LOG = System.getLogger(UapiServer.class.getName());
    private static final long JOIN_MILLIS = 5_000;
    private static final long ACCEPT_RETRY_MILLIS = 100;

    /** Per-server bounds; see the class comment. */
    record Limits(long idleTimeoutMillis, long requestTimeoutMillis, long maxRequestBytes, int maxConnections) {
        static final Limits DEFAULT = new Limits(
                Duration.ofMinutes(2).toMillis(), Duration.ofSeconds(10).toMillis(), 16L << 20, 64);
    }

    private final SocketFile socket;
    private final Configurable device;
    private final Limits limits;
    private final Lock setLock = new ReentrantLock();
    private final Semaphore slots;
    private final ScheduledExecutorService watchdog;
    private final Set<SocketChannel> live = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private UapiServer(SocketFile socket, Configurable device, Limits limits, String name) {
        this.socket = socket;
        this.device = device;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConnections());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("uapi-" + name + "-watchdog").factory());
        this.acceptor = Thread.ofVirtual().name("uapi-" + name + "-accept").unstarted(this::acceptLoop);
    }

    /**
     * Serves {@code /var/run/wireguard/<ifaceName>.sock}, where {@code wg} finds it.
     *
     * @param ifaceName a Linux interface name: 1 to 15 characters, no {@code /}, {@code :} or
     *     white space, not {@code .} or {@code ..}
     * @throws IOException "interface NAME is already in use" if another live process serves that
     *     socket; a stale socket file is replaced
     */
    public static UapiServer start(String ifaceName, Configurable device) throws IOException {
        checkInterfaceName(ifaceName);
        return start(SOCKET_DIRECTORY.resolve(ifaceName + ".sock"), device);
    }

    /** Serves UAPI on {@code socketPath}; otherwise as {@link #start(String, Configurable)}. */
    public static UapiServer start(Path socketPath, Configurable device) throws IOException {
        return start(socketPath, device, Limits.DEFAULT);
    }

    static UapiServer start(Path socketPath, Configurable device, Limits limits) throws IOException {
        String name = socketPath.getFileName().toString().replaceFirst("\\.sock$", "");
        SocketFile socket = SocketFile.bind(socketPath, name);
        UapiServer server = new UapiServer(socket, device, limits, name);
        server.acceptor.start();
        return server;
    }

    /** The socket file this server listens on. */
    public Path socketPath() {
        return socket.path();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client = null;
            try {
                slots.acquire();
                client = socket.channel().accept();
                live.add(client);
                SocketChannel c = client;
                Thread worker = Thread.ofVirtual().name("uapi-conn").unstarted(() -> serve(c));
                workers.add(worker);
                worker.start();
            } catch (InterruptedException | ClosedChannelException e) {
                if (client == null) {
                    slots.release();
                }
                return;
            } catch (IOException e) {
                slots.release();
                LOG.log(Level.WARNING, "UAPI accept failed on {0}: {1}", socket.path(), e.toString());
                try {
                    Thread.sleep(ACCEPT_RETRY_MILLIS); // e.g. EMFILE: don't spin
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try {
            new UapiConnection(client, device, limits, setLock, watchdog).run();
        } finally {
            live.remove(client);
            workers.remove(Thread.currentThread());
            slots.release();
        }
    }

    /**
     * Stops accepting, closes every open connection, waits briefly for their threads (a set being
     * applied finishes first) and removes the socket file if it is still this server's.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            socket.close();
            acceptor.interrupt();
            join(acceptor); // after this no connection is added
            for (SocketChannel c : live) {
                try {
                    c.close();
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "closing a UAPI connection: {0}", e.toString());
                }
            }
            for (Thread worker : workers) {
                join(worker);
            }
        } finally {
            watchdog.shutdownNow();
        }
    }

    private static void join(Thread t) {
        try {
            if (!t.join(Duration.ofMillis(JOIN_MILLIS))) {
                LOG.log(Level.WARNING, "UAPI thread {0} still running after close", t.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void checkInterfaceName(String name) {
        boolean ok = name != null && !name.isEmpty() && name.length() <= 15 && !name.equals(".")
                && !name.equals("..") && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != ':');
        if (!ok) {
            throw new IllegalArgumentException("invalid interface name " + (name == null ? "null"
                    : SetParser.printable(name)) + ": 1 to 15 printable characters, no '/', ':' or spaces");
        }
    }
}
