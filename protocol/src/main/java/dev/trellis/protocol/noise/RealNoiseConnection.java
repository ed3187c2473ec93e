package dev.trellis.protocol.noise;

import dev.trellis.protocol.crypto.ChaChaPoly;
import dev.trellis.protocol.key.MachinePublicKey;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link NoiseConnection} over a stream pair. The application's messages, each a 4-byte big-endian
 * length then its bytes, form one plaintext byte stream per direction; that stream is cut into
 * transport records of up to {@link Wire#MAX_RECORD_PLAINTEXT} bytes, so a message may span many
 * records and the last record of a message is the only short one.
 *
 * <p>Each direction has its own lock, cipher and buffers; {@link #close()} takes neither lock, so
 * it can interrupt a reader or writer blocked on the stream.
 */
final class RealNoiseConnection implements NoiseConnection {
    /**
     * Room for about four records. Kept small because a coordinator holds one connection per
     * node for as long as the node is online: at 64 KiB each direction this was 128 KiB a node,
     * most of a 10,000-node coordinator's heap (docs/performance.md).
     */
    private static final int STREAM_BUFFER = 16 * 1024;
    /** First allocation for an incoming message; it grows only as the peer's bytes arrive. */
    private static final int INITIAL_MESSAGE_BUFFER = 64 * 1024;
    private static final int LENGTH_PREFIX = 4;
    private static final byte[] EMPTY = new byte[0];

    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final MachinePublicKey peerKey;
    private final int protocolVersion;
    private final byte[] handshakeHash;
    private final int maxMessageBytes;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final OutputStream out; // guarded by writeLock, like the two below
    private final TransportCipher tx;
    private final byte[] txPlaintext = new byte[Wire.MAX_RECORD_PLAINTEXT];
    private int txFill;

    private final ReentrantLock readLock = new ReentrantLock();
    private final InputStream in; // guarded by readLock, like the ones below
    private final TransportCipher rx;
    private final byte[] rxHeader = new byte[Wire.HEADER_LENGTH];
    private byte[] rxPlaintext = EMPTY;
    private int rxPosition;

    private volatile boolean closed;

    RealNoiseConnection(InputStream in, OutputStream out, MachinePublicKey peerKey, int protocolVersion,
            IkHandshake.Session session, boolean initiator, NoiseOptions options) {
        this.rawIn = Objects.requireNonNull(in, "in");
        this.rawOut = Objects.requireNonNull(out, "out");
        this.in = new BufferedInputStream(in, STREAM_BUFFER);
        this.out = new BufferedOutputStream(out, STREAM_BUFFER);
        this.peerKey = peerKey;
        this.protocolVersion = protocolVersion;
        this.handshakeHash = session.handshakeHash();
        this.maxMessageBytes = options.maxMessageBytes();
        byte[] sendKey = initiator ? session.initiatorToResponder() : session.responderToInitiator();
        byte[] receiveKey = initiator ? session.responderToInitiator() : session.initiatorToResponder();
        this.tx = new TransportCipher(sendKey, options.recordLimit());
        this.rx = new TransportCipher(receiveKey, options.recordLimit());
    }

    @Override
    public MachinePublicKey peerKey() {
        return peerKey;
    }

    @Override
    public int protocolVersion() {
        return protocolVersion;
    }

    @Override
    public byte[] handshakeHash() {
        return handshakeHash.clone();
    }

    @Override
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void writeMessage(byte[] message) throws IOException {
        Objects.requireNonNull(message, "message");
        if (message.length > maxMessageBytes) {
            throw new IllegalArgumentException("message of " + message.length
                    + " bytes exceeds the limit of " + maxMessageBytes);
        }
        writeLock.lock();
        try {
            ensureOpen();
            long records = ((long) LENGTH_PREFIX + message.length + Wire.MAX_RECORD_PLAINTEXT - 1)
                    / Wire.MAX_RECORD_PLAINTEXT;
            if (tx.remaining() < records) {
                // Refuse the whole message rather than send part of it, so the peer's last message
                // is whole and it sees end of stream at a message boundary.
                throw new NoiseException("send nonces exhausted after " + tx.counter()
                        + " records; the connection must be re-established");
            }
            byte[] prefix = new byte[LENGTH_PREFIX];
            Wire.putU16(prefix, 0, message.length >>> 16);
            Wire.putU16(prefix, 2, message.length & 0xFFFF);
            append(prefix);
            append(message);
            if (txFill > 0) {
                sealRecord();
            }
            out.flush();
        } catch (IOException e) {
            throw failed(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            if (closed) {
                tx.destroy();
            }
            writeLock.unlock();
        }
    }

    /**
     * For protocol tests only: sends each chunk of the plaintext stream as one record of its own
     * (empty ones too), with no length prefix added.
     */
    void writeRecordsForTest(byte[]... chunks) throws IOException {
        writeLock.lock();
        try {
            for (byte[] chunk : chunks) {
                System.arraycopy(chunk, 0, txPlaintext, 0, chunk.length);
                txFill = chunk.length;
                sealRecord();
            }
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void append(byte[] src) throws IOException {
        int offset = 0;
        while (offset < src.length) {
            int n = Math.min(src.length - offset, txPlaintext.length - txFill);
            System.arraycopy(src, offset, txPlaintext, txFill, n);
            txFill += n;
            offset += n;
            if (txFill == txPlaintext.length) {
                sealRecord();
            }
        }
    }

    private void sealRecord() throws IOException {
        byte[] plaintext = txFill == txPlaintext.length ? txPlaintext : Arrays.copyOf(txPlaintext, txFill);
        byte[] ciphertext = tx.seal(plaintext);
        byte[] header = new byte[Wire.HEADER_LENGTH];
        header[0] = Wire.TYPE_RECORD;
        Wire.putU16(header, 1, ciphertext.length);
        out.write(header);
        out.write(ciphertext);
        txFill = 0;
    }

    @Override
    public byte[] readMessage() throws IOException {
        readLock.lock();
        try {
            ensureOpen();
            byte[] prefix = new byte[LENGTH_PREFIX];
            readPlaintext(prefix, true);
            long length = ((long) Wire.getU16(prefix, 0) << 16) | Wire.getU16(prefix, 2);
            if (length > maxMessageBytes) {
                throw new NoiseException("peer sent a message of " + length
                        + " bytes; the limit is " + maxMessageBytes);
            }
            int total = (int) length;
            // Grow with the bytes that actually arrive: a length prefix alone must not make us
            // allocate the maximum.
            byte[] message = new byte[Math.min(total, INITIAL_MESSAGE_BUFFER)];
            int filled = 0;
            while (filled < total) {
                if (filled == message.length) {
                    message = Arrays.copyOf(message, (int) Math.min(total, 2L * message.length));
                }
                filled += readSomePlaintext(message, filled, message.length - filled, false);
            }
            return message;
        } catch (IOException e) {
            throw failed(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        } finally {
            if (closed) {
                rx.destroy();
            }
            readLock.unlock();
        }
    }

    private void readPlaintext(byte[] dst, boolean atMessageStart) throws IOException {
        int filled = 0;
        while (filled < dst.length) {
            filled += readSomePlaintext(dst, filled, dst.length - filled, atMessageStart && filled == 0);
        }
    }

    private int readSomePlaintext(byte[] dst, int offset, int length, boolean atMessageStart)
            throws IOException {
        // Empty records are legal (each spends a nonce), so keep reading until one has bytes.
        while (rxPosition == rxPlaintext.length) {
            readRecord(atMessageStart);
        }
        int n = Math.min(length, rxPlaintext.length - rxPosition);
        System.arraycopy(rxPlaintext, rxPosition, dst, offset, n);
        rxPosition += n;
        return n;
    }

    private void readRecord(boolean atMessageStart) throws IOException {
        int n = in.readNBytes(rxHeader, 0, rxHeader.length);
        if (n == 0 && atMessageStart) {
            throw new EOFException("peer closed the connection");
        }
        if (n < rxHeader.length) {
            throw new EOFException(atMessageStart ? "stream ended inside a record header"
                    : "stream ended inside a message");
        }
        int type = rxHeader[0] & 0xFF;
        int length = Wire.getU16(rxHeader, 1);
        if (type != Wire.TYPE_RECORD) {
            throw new NoiseException("unexpected message type " + type + " where a transport record ("
                    + Wire.TYPE_RECORD + ") belongs");
        }
        if (length > Wire.MAX_RECORD_CIPHERTEXT) {
            throw new NoiseException("transport record of " + length + " bytes exceeds the limit of "
                    + Wire.MAX_RECORD_CIPHERTEXT);
        }
        if (length < ChaChaPoly.TAG_LENGTH) {
            throw new NoiseException("transport record of " + length + " bytes is shorter than its tag");
        }
        byte[] ciphertext = new byte[length];
        Wire.readFully(in, ciphertext, "a transport record");
        rxPlaintext = rx.open(ciphertext);
        rxPosition = 0;
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Noise connection is closed");
        }
    }

    /**
     * Closes the connection after a failure in either direction and returns what to throw. A
     * failure caused by {@link #close()} from another thread is reported as such.
     */
    private IOException failed(IOException e) {
        if (closed && !(e instanceof NoiseException)) {
            return new IOException("Noise connection is closed", e);
        }
        close();
        return e;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(rawIn);
        closeQuietly(rawOut);
        // A blocked reader or writer holds its lock; it wipes its key itself on the way out.
        if (writeLock.tryLock()) {
            try {
                tx.destroy();
            } finally {
                writeLock.unlock();
            }
        }
        if (readLock.tryLock()) {
            try {
                rx.destroy();
            } finally {
                readLock.unlock();
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is best effort: the connection is unusable either way.
        }
    }

    @Override
    public String toString() {
        return "NoiseConnection[peer=" + peerKey.shortString() + ", version=" + protocolVersion
                + (closed ? ", closed]" : "]");
    }
}
