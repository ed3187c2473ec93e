package dev.trellis.engine.natlab;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One UDP datagram in flight. The payload is copied in and out, so a packet never changes
 * once made; handlers rewrite addresses by making a new one.
 */
public record Packet(InetSocketAddress src, InetSocketAddress dst, byte[] payload, int ttl) {
    /** The largest UDP payload over IPv4. */
    public static final int MAX_PAYLOAD = 65_507;
    public static final int DEFAULT_TTL = 64;

    public Packet {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (src.isUnresolved() || dst.isUnresolved()) {
            throw new IllegalArgumentException("packet addresses must be numeric: " + src + " -> " + dst);
        }
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("UDP payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("ttl out of range: " + ttl);
        }
        payload = payload.clone();
    }

    public Packet(InetSocketAddress src, InetSocketAddress dst, byte[] payload) {
        this(src, dst, payload, DEFAULT_TTL);
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int length() {
        return payload.length;
    }

    /** The payload without a copy, for code in this package that promises not to change it. */
    byte[] bytes() {
        return payload;
    }

    public Packet withSrc(InetSocketAddress s) {
        return new Packet(s, dst, payload, ttl);
    }

    public Packet withDst(InetSocketAddress d) {
        return new Packet(src, d, payload, ttl);
    }

    Packet withTtl(int t) {
        return new Packet(src, dst, payload, t);
    }

    @Override
    public String toString() {
        return src + " -> " + dst + " (" + payload.length + " bytes, ttl " + ttl + ")";
    }
}
