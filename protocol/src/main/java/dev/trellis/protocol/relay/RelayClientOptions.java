package dev.trellis.protocol.relay;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a {@link RelayClient} connects.
 *
 * @param tls              for https:// URLs; null means the JDK's default trust
 * @param connectTimeout   TCP connect, TLS and the HTTP upgrade, and the relay handshake
 * @param queueFrames      outbound frames that may wait before sends are dropped
 * @param queueBytes       outbound bytes that may wait before sends are dropped
 * @param keepAlive        idle time before the client sends a KeepAlive
 * @param readTimeout      silence from the relay after which the connection counts as dead
 *                         (the relay sends a KeepAlive every minute); zero waits forever
 * @param meshSecretOrNull the region's mesh secret, for a relay connecting to another; null for nodes
 */
public record RelayClientOptions(SSLContext tls, Duration connectTimeout, int queueFrames, long queueBytes,
        Duration keepAlive, Duration readTimeout, byte[] meshSecretOrNull) {

    public RelayClientOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (queueFrames <= 0 || queueBytes <= 0) {
            throw new IllegalArgumentException("queue bounds must be positive");
        }
    }

    /** 10 s to connect, 512 frames / 4 MiB queued, KeepAlive after 60 s, dead after 150 s of silence. */
    public static RelayClientOptions defaults() {
        return new RelayClientOptions(null, Duration.ofSeconds(10), 512, 4L << 20, Duration.ofSeconds(60),
                Duration.ofSeconds(150), null);
    }

    public RelayClientOptions withTls(SSLContext context) {
        return new RelayClientOptions(context, connectTimeout, queueFrames, queueBytes, keepAlive, readTimeout, meshSecretOrNull);
    }

    public RelayClientOptions withQueue(int frames, long bytes) {
        return new RelayClientOptions(tls, connectTimeout, frames, bytes, keepAlive, readTimeout, meshSecretOrNull);
    }

    public RelayClientOptions withTimers(Duration keepAliveInterval, Duration silence) {
        return new RelayClientOptions(tls, connectTimeout, queueFrames, queueBytes, keepAliveInterval, silence, meshSecretOrNull);
    }

    public RelayClientOptions withMeshSecret(byte[] secret) {
        return new RelayClientOptions(tls, connectTimeout, queueFrames, queueBytes, keepAlive, readTimeout, secret.clone());
    }

    @Override
    public String toString() {
        return "RelayClientOptions[connectTimeout=" + connectTimeout + ", queue=" + queueFrames + "/" + queueBytes
                + ", keepAlive=" + keepAlive + ", readTimeout=" + readTimeout + ", mesh=" + (meshSecretOrNull != null) + "]";
    }
}
