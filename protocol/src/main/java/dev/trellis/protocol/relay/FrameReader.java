package dev.trellis.protocol.relay;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads frames from a stream, one thread at a time. The length is checked against
 * {@link RelayFrame#MAX_PAYLOAD} before anything is allocated; frames of unknown type are read,
 * counted and skipped, so that newer peers may add types.
 */
public final class FrameReader {
    private final InputStream in;
    private final byte[] header = new byte[RelayFrames.HEADER_LENGTH];
    private final AtomicLong unknownSkipped = new AtomicLong();

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next known frame, or null if the stream ended cleanly between frames.
     *
     * @throws EOFException           if the stream ends inside a frame
     * @throws RelayProtocolException for an oversized or malformed frame
     */
    public RelayFrame read() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            header[0] = (byte) first;
            readFully(header, 1, RelayFrames.HEADER_LENGTH - 1);
            int type = first & 0xFF;
            long length = ((header[1] & 0xFFL) << 24) | ((header[2] & 0xFF) << 16) | ((header[3] & 0xFF) << 8)
                    | (header[4] & 0xFF);
            if (length > RelayFrame.MAX_PAYLOAD) {
                throw new RelayProtocolException("frame of type " + type + " declares " + length
                        + " bytes of payload; the limit is " + RelayFrame.MAX_PAYLOAD);
            }
            byte[] payload = new byte[(int) length];
            readFully(payload, 0, payload.length);
            RelayFrame frame = RelayFrames.decode(type, payload);
            if (frame != null) {
                return frame;
            }
            unknownSkipped.incrementAndGet();
        }
    }

    /** Frames of unknown type skipped so far. */
    public long unknownSkipped() {
        return unknownSkipped.get();
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw new EOFException("stream ended inside a relay frame");
            }
            off += n;
            len -= n;
        }
    }
}
