package dev.trellis.protocol.noise;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.trellis.protocol.crypto.ChaChaPoly;
import dev.trellis.protocol.crypto.X25519;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;

/** Constants and framing of the control protocol's wire format, described in package-info. */
final class Wire {
    static final int TYPE_INITIATION = 1;
    static final int TYPE_RESPONSE = 2;
    static final int TYPE_ERROR = 3;
    static final int TYPE_RECORD = 4;

    /** Type and length; the initiation has the 2-byte version in front. */
    static final int HEADER_LENGTH = 3;
    static final int INITIATION_HEADER_LENGTH = 5;
    /** e, encrypted s (key + tag), encrypted empty payload (tag). */
    static final int INITIATION_PAYLOAD_LENGTH =
            X25519.KEY_LENGTH + X25519.KEY_LENGTH + ChaChaPoly.TAG_LENGTH + ChaChaPoly.TAG_LENGTH;
    static final int INITIATION_LENGTH = INITIATION_HEADER_LENGTH + INITIATION_PAYLOAD_LENGTH;
    /** e, encrypted empty payload (tag). */
    static final int RESPONSE_PAYLOAD_LENGTH = X25519.KEY_LENGTH + ChaChaPoly.TAG_LENGTH;
    static final int RESPONSE_LENGTH = HEADER_LENGTH + RESPONSE_PAYLOAD_LENGTH;
    static final int MAX_ERROR_TEXT = 1024;
    static final int MAX_RECORD_CIPHERTEXT = 4096;
    static final int MAX_RECORD_PLAINTEXT = MAX_RECORD_CIPHERTEXT - ChaChaPoly.TAG_LENGTH;
    static final int MAX_VERSION = 0xFFFF;

    private static final byte[] PROLOGUE_PREFIX = "Trellis Control Protocol v".getBytes(US_ASCII);

    private Wire() {
    }

    /** "Trellis Control Protocol v" in ASCII, then the version as 2 bytes big-endian. */
    static byte[] prologue(int version) {
        byte[] prologue = new byte[PROLOGUE_PREFIX.length + 2];
        System.arraycopy(PROLOGUE_PREFIX, 0, prologue, 0, PROLOGUE_PREFIX.length);
        putU16(prologue, PROLOGUE_PREFIX.length, version);
        return prologue;
    }

    static void checkVersion(int version) {
        if (version < 0 || version > MAX_VERSION) {
            throw new IllegalArgumentException("protocol version must be 0..65535, got " + version);
        }
    }

    static void putU16(byte[] dst, int offset, int value) {
        dst[offset] = (byte) (value >>> 8);
        dst[offset + 1] = (byte) value;
    }

    static int getU16(byte[] src, int offset) {
        return ((src[offset] & 0xFF) << 8) | (src[offset + 1] & 0xFF);
    }

    /**
     * Reads exactly {@code dst.length} bytes, or throws an EOFException naming {@code what}, so a
     * truncated stream is reported as such rather than as a short array the caller forgot to check.
     */
    static void readFully(InputStream in, byte[] dst, String what) throws IOException {
        int n = in.readNBytes(dst, 0, dst.length);
        if (n < dst.length) {
            throw new EOFException("stream ended after " + n + " of " + dst.length + " bytes of " + what);
        }
    }

    /**
     * Writes an error record and flushes. The text is cut to {@link #MAX_ERROR_TEXT} bytes of UTF-8
     * on a character boundary, so the record is always valid.
     */
    static void writeError(OutputStream out, String text) throws IOException {
        byte[] utf8 = truncatedUtf8(text, MAX_ERROR_TEXT);
        byte[] record = new byte[HEADER_LENGTH + utf8.length];
        record[0] = TYPE_ERROR;
        putU16(record, 1, utf8.length);
        System.arraycopy(utf8, 0, record, HEADER_LENGTH, utf8.length);
        out.write(record);
        out.flush();
    }

    /** Reads the body of an error record whose header has been read, and returns the exception. */
    static NoiseRejectedException readError(InputStream in, int length) throws IOException {
        if (length > MAX_ERROR_TEXT) {
            throw new NoiseException("error record of " + length + " bytes exceeds the limit of "
                    + MAX_ERROR_TEXT);
        }
        byte[] text = new byte[length];
        readFully(in, text, "the error record");
        // new String replaces malformed UTF-8 rather than failing: the text is only a hint.
        return new NoiseRejectedException(new String(text, UTF_8));
    }

    private static byte[] truncatedUtf8(String text, int maxBytes) {
        CharsetEncoder encoder = UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(maxBytes);
        // An encoder stops at the last whole character that fits (OVERFLOW), never mid-sequence.
        encoder.encode(CharBuffer.wrap(text), out, true);
        byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }
}
