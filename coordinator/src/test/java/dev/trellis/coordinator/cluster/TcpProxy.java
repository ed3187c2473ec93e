package dev.trellis.coordinator.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP forwarder on 127.0.0.1 that can make its current connections go silent, as a network
 * that drops everything does: neither side sees an error, bytes just stop arriving. Connections
 * made afterwards pass normally.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Link> links = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("test-proxy-accept").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every connection open now stops forwarding, both ways, until the proxy closes. */
    synchronized void freezeExisting() {
        links.forEach(l -> l.frozen = true);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Link link = new Link(client, upstream);
                synchronized (this) {
                    links.add(link);
                }
                Thread.ofPlatform().daemon().name("test-proxy-up").start(() -> link.pump(client, upstream));
                Thread.ofPlatform().daemon().name("test-proxy-down").start(() -> link.pump(upstream, client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean frozen;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (frozen) {
                        closed.await(); // hold the bytes: the peer hears nothing
                        return;
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException e) {
                // the other direction or close() ended the link
            } finally {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }
    }

    @Override
    public void close() {
        closed.countDown();
        closeQuietly(server);
        synchronized (this) {
            links.forEach(l -> {
                closeQuietly(l.client);
                closeQuietly(l.upstream);
            });
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do in a test helper
        }
    }
}
