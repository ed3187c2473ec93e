package dev.trellis.protocol.noise;

import dev.trellis.protocol.key.MachinePublicKey;
import java.io.EOFException;
import java.io.IOException;

/**
 * An established, encrypted and mutually authenticated control connection carrying whole
 * application messages. It owns the streams it was built on: {@link #close()} closes them.
 *
 * <p>Any failure (an I/O error, a record that does not authenticate, a protocol violation, end of
 * stream) closes the connection, because the two sides' nonces can no longer be trusted to agree;
 * a caller that wants a deadline should set one for the whole connection (a socket timeout, say,
 * after which the connection is gone) rather than poll with short timeouts.
 */
public interface NoiseConnection extends AutoCloseable {

    /** The peer's static key as the handshake authenticated it. */
    MachinePublicKey peerKey();

    /** The protocol version both sides bound into the handshake's prologue. */
    int protocolVersion();

    /**
     * A copy of the Noise handshake hash: 32 bytes unique to this session, equal on both sides,
     * for binding application-level messages to this connection.
     */
    byte[] handshakeHash();

    /** The largest message this side sends or accepts. */
    int maxMessageBytes();

    /**
     * Sends one message of 0 to {@link #maxMessageBytes()} bytes, split across as few transport
     * records as fit, and flushes. Thread-safe: concurrent writers are serialised whole.
     *
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageBytes()}
     * @throws NoiseException if this direction's nonces are exhausted (the connection is then
     *     closed after the previous message, so the peer sees a clean end of stream)
     * @throws IOException if the stream fails or the connection is closed
     */
    void writeMessage(byte[] message) throws IOException;

    /**
     * Receives the next whole message. Concurrent callers are serialised, one reader at a time.
     *
     * @throws EOFException if the stream ends, cleanly between messages or inside one
     * @throws NoiseException if a record does not authenticate, has the wrong type or an oversize
     *     length, or the message is longer than {@link #maxMessageBytes()} (refused from its length
     *     prefix, before its bytes are read)
     * @throws IOException if the stream fails or the connection is closed
     */
    byte[] readMessage() throws IOException;

    /** False once closed, by {@link #close()} or by a failure. */
    boolean isOpen();

    /**
     * Closes the underlying streams, which unblocks a reader or writer waiting on a socket, and
     * forgets the transport keys. Idempotent.
     */
    @Override
    void close();
}
