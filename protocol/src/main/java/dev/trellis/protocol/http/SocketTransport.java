package dev.trellis.protocol.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * TCP, optionally with TLS layered on top. The plain socket is always kept: closing it is the one
 * way to stop a TLS read, write or handshake that cannot be trusted to return, since an SSLSocket's
 * own close may wait to send close_notify.
 */
final class SocketTransport extends Transport {
    private static final String[] ALPN_HTTP1 = {"http/1.1"};

    private final Socket raw;
    // Replaced once by startTls on the connection's own thread, before any other use.
    private SSLSocket tls;
    private InputStream in;
    private OutputStream out;

    private SocketTransport(Socket raw) throws IOException {
        this.raw = raw;
        raw.setTcpNoDelay(true);
        this.in = raw.getInputStream();
        this.out = raw.getOutputStream();
    }

    static SocketTransport plain(Socket socket) throws IOException {
        return new SocketTransport(socket);
    }

    /** Runs the server side of the TLS handshake, giving up after {@code timeoutMillis}. */
    void startServerTls(SSLContext context, int timeoutMillis) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, null, true);
        socket.setUseClientMode(false);
        SSLParameters params = socket.getSSLParameters();
        params.setApplicationProtocols(ALPN_HTTP1);
        socket.setSSLParameters(params);
        handshake(socket, timeoutMillis);
    }

    /** Runs the client side of the TLS handshake, checking that the certificate names {@code host}. */
    void startClientTls(SSLContext context, String host, int port, int timeoutMillis) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true);
        socket.setUseClientMode(true);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        params.setApplicationProtocols(ALPN_HTTP1);
        socket.setSSLParameters(params);
        handshake(socket, timeoutMillis);
    }

    private void handshake(SSLSocket socket, int timeoutMillis) throws IOException {
        // The read timeout covers a silent peer; the watchdog covers a handshake write that a
        // peer which does not read leaves blocked.
        Future<?> guard = Watchdog.after(timeoutMillis, raw::close);
        try {
            raw.setSoTimeout(timeoutMillis);
            socket.startHandshake();
            raw.setSoTimeout(0);
        } catch (IOException e) {
            close();
            throw e;
        } finally {
            guard.cancel(false);
        }
        tls = socket;
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    @Override
    InputStream input() {
        return in;
    }

    @Override
    OutputStream rawOutput() {
        return out;
    }

    @Override
    void readTimeout(int millis) throws IOException {
        // SSLSocket passes this down to the layered socket.
        (tls != null ? tls : raw).setSoTimeout(millis);
    }

    @Override
    SocketAddress remoteAddress() {
        return raw.getRemoteSocketAddress();
    }

    @Override
    boolean secure() {
        return tls != null;
    }

    @Override
    void shutdownOutput() throws IOException {
        if (tls != null) {
            tls.shutdownOutput();
        } else {
            raw.shutdownOutput();
        }
    }

    @Override
    protected void closeNow() throws IOException {
        raw.close();
    }
}
