package dev.trellis.engine.uapi;

import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.Configurable;
import dev.trellis.engine.wg.DeviceUpdate;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * One client connection: requests one after another until end of stream, as wireguard-go serves
 * them. A watchdog closes the channel when a client idles or dawdles past its deadline; that is
 * how a blocked read or write ends, since socket channels have no read timeout.
 */
final class UapiConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(UapiConnection.class.getName());

    private final SocketChannel channel;
    private final Configurable device;
    private final UapiServer.Limits limits;
    private final Lock setLock;
    private final ScheduledExecutorService watchdog;
    private final LineReader reader;
    private ScheduledFuture<?> deadline;

    UapiConnection(SocketChannel channel, Configurable device, UapiServer.Limits limits, Lock setLock,
            ScheduledExecutorService watchdog) {
        this.channel = channel;
        this.device = device;
        this.limits = limits;
        this.setLock = setLock;
        this.watchdog = watchdog;
        this.reader = new LineReader(channel, SetParser.MAX_LINE_LENGTH);
    }

    @Override
    public void run() {
        try {
            while (serveOne()) {
                // next request
            }
        } catch (LineReader.RequestTooLargeException e) {
            reply(new StringBuilder(), ConfigException.EINVAL);
            LOG.log(Level.DEBUG, "UAPI client sent more than {0} bytes in one request", limits.maxRequestBytes());
        } catch (ClosedChannelException e) {
            LOG.log(Level.DEBUG, "UAPI connection closed by timeout or shutdown");
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "UAPI connection failed: {0}", e.toString());
        } finally {
            disarm();
            expire();
        }
    }

    /** Serves one request; false when the connection should end. */
    private boolean serveOne() throws IOException {
        arm(limits.idleTimeoutMillis());
        reader.setBudget(limits.maxRequestBytes());
        String op = reader.readLine();
        if (op == null) {
            return false;
        }
        arm(limits.requestTimeoutMillis());
        return switch (op) {
            case "get=1" -> get();
            case "set=1" -> set();
            default -> {
                // As wireguard-go: an unknown operation means we are out of step; hang up.
                LOG.log(Level.DEBUG, "invalid UAPI operation {0}", SetParser.printable(op));
                yield false;
            }
        };
    }

    private boolean get() throws IOException {
        String blank = reader.readLine();
        if (blank == null) {
            return false;
        }
        if (!blank.isEmpty()) {
            reply(new StringBuilder(), ConfigException.EINVAL);
            return false; // wireguard-go reads on from the stray byte; we hang up instead
        }
        StringBuilder out = new StringBuilder(1024);
        int errno = 0;
        disarm(); // the client's deadline does not run while the device works
        try {
            UapiCodec.writeGet(device.status(), out);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "device status failed", e);
            out.setLength(0);
            errno = ConfigException.EIO;
        }
        arm(limits.requestTimeoutMillis());
        return reply(out, errno);
    }

    private boolean set() throws IOException {
        SetParser parser = new SetParser();
        UapiParseException error = null;
        String line;
        // Read to the blank line even after an error, so the reply comes after the whole request
        // (a client still writing would otherwise get EPIPE) and the next request is in step.
        while ((line = reader.readLine()) != null && !line.isEmpty()) {
            if (error == null) {
                try {
                    parser.accept(line);
                } catch (UapiParseException e) {
                    error = e;
                }
            }
        }
        if (line == null) {
            // wireguard-go applies what it has read at end of stream; a cut-off request is
            // exactly what parsing whole is meant to keep out, so nothing is applied.
            LOG.log(Level.DEBUG, "UAPI set request ended without its blank line; nothing applied");
            reply(new StringBuilder(), ConfigException.EPROTO);
            return false;
        }
        if (error != null) {
            LOG.log(Level.DEBUG, "UAPI set refused: {0}", error.getMessage());
            return reply(new StringBuilder(), error.errno());
        }
        disarm(); // the client's deadline does not run while the device works
        int errno = apply(parser.finish());
        arm(limits.requestTimeoutMillis());
        return reply(new StringBuilder(), errno);
    }

    private int apply(DeviceUpdate update) {
        setLock.lock();
        try {
            device.apply(update);
            return 0;
        } catch (ConfigException e) {
            LOG.log(Level.DEBUG, "UAPI set failed on the device: {0}", e.getMessage());
            return e.errno();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "device apply failed", e);
            return ConfigException.EIO;
        } finally {
            setLock.unlock();
        }
    }

    /** Sends {@code body} and its errno line; false if the client has gone. */
    private boolean reply(StringBuilder body, int errno) {
        try {
            UapiCodec.writeErrno(errno, body);
            ByteBuffer bytes = ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.ISO_8859_1));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            return true;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "UAPI reply not delivered: {0}", e.toString());
            return false;
        }
    }

    private void arm(long millis) {
        disarm();
        try {
            deadline = watchdog.schedule(this::expire, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            expire(); // the server is closing
        }
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void expire() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a timed-out UAPI connection: {0}", e.toString());
        }
    }
}
