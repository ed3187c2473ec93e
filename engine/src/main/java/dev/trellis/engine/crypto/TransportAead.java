package dev.trellis.engine.crypto;

import dev.trellis.protocol.crypto.ChaChaPoly;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * ChaCha20-Poly1305 for transport data messages, with WireGuard's counter nonce and empty AAD.
 * Not thread-safe: one instance per worker thread.
 *
 * <p>Two implementations sit behind one contract, chosen per process with the system property
 * {@code trellis.aead} or else the environment variable {@code TRELLIS_AEAD}: {@code jdk} (the
 * default) or {@code java}.
 * <ul>
 *   <li>{@code jdk}: the JDK's "ChaCha20-Poly1305" Cipher. Every packet pays a
 *       {@code Cipher.init}: about 2.2 KB of short-lived garbage (key and nonce clones, a
 *       Poly1305 instance, a 1 KiB buffer for its one-block key) and a fixed ~0.65 µs. Its bulk
 *       work runs in AVX intrinsics, so it is still about 3x faster per packet than plain Java.
 *       Heap arrays go to it directly; direct buffers are copied through a scratch array owned by
 *       this instance (its own ByteBuffer path would allocate a packet-sized array per call).
 *   <li>{@code java}: {@link ChaCha20Poly1305Engine}, plain scalar Java that allocates nothing
 *       per packet and works on heap and direct buffers where they lie, at about 2.4 Gbit/s per
 *       core for 1420-byte packets (JDK: about 8), measured by TransportAeadBenchmark.
 * </ul>
 * The JDK cipher stays the default because the switch was to be made only if plain Java kept
 * about 70% of its throughput, and it keeps about 30%. Choose {@code java} where garbage matters
 * more than per-core crypto throughput (the send path is bound by syscalls near 1.3 Gbit/s).
 *
 * <p>The JDK refuses to init for encryption with the key and nonce of the previous init, encrypt
 * or decrypt. WireGuard never repeats a send counter and uses different keys per direction, so
 * this only fires on a real bug (a nonce reuse), which is exactly when it should. The pure-Java
 * engine has no such guard.
 */
public final class TransportAead {

    public static final int TAG_LENGTH = ChaChaPoly.TAG_LENGTH;

    /** Which implementation instances get by default; read once. */
    static final Implementation DEFAULT = Implementation.fromSetting(
            System.getProperty("trellis.aead", System.getenv("TRELLIS_AEAD")));

    enum Implementation {
        PURE_JAVA, JDK;

        /** {@code java} selects the pure-Java engine; anything else, or nothing, the JDK. */
        static Implementation fromSetting(String setting) {
            return setting != null && setting.trim().equalsIgnoreCase("java") ? PURE_JAVA : JDK;
        }
    }

    private static final int ADDRESS_BITS_UNIT = 1 << 30;

    /** Exactly one of engine and cipher is set. */
    private final ChaCha20Poly1305Engine engine;
    private final Cipher cipher;
    private final byte[] nonce = new byte[ChaChaPoly.NONCE_LENGTH];
    /** For copies; grows to the largest packet seen, then stays. */
    private byte[] scratch = new byte[2048];
    private ByteBuffer scratchBuffer = ByteBuffer.wrap(scratch);

    public TransportAead() {
        this(DEFAULT);
    }

    TransportAead(Implementation implementation) {
        if (implementation == Implementation.JDK) {
            engine = null;
            try {
                cipher = Cipher.getInstance("ChaCha20-Poly1305");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ChaCha20-Poly1305 unavailable in this JDK", e);
            }
        } else {
            engine = new ChaCha20Poly1305Engine();
            cipher = null;
        }
    }

    Implementation implementation() {
        return engine != null ? Implementation.PURE_JAVA : Implementation.JDK;
    }

    /**
     * Encrypts src (position..limit) into dst at dst.position, appending the 16-byte tag. On
     * success src.position moves to its limit and dst.position past the output. Input and output
     * may overlap in any way (in place at the same index is the data path's case); an output
     * that starts inside the input after its start costs a copy.
     *
     * @return bytes written: src.remaining() + 16
     */
    public int seal(AeadKey key, long counter, ByteBuffer src, ByteBuffer dst)
            throws GeneralSecurityException {
        return crypt(Cipher.ENCRYPT_MODE, key, counter, src, dst);
    }

    /**
     * Decrypts ciphertext || tag in src (position..limit) into dst at dst.position. Nothing is
     * written and no position moves unless the tag verifies.
     *
     * @return bytes written: src.remaining() - 16
     * @throws AEADBadTagException if the tag does not verify or src is shorter than a tag
     */
    public int open(AeadKey key, long counter, ByteBuffer src, ByteBuffer dst)
            throws AEADBadTagException, GeneralSecurityException {
        if (src.remaining() < TAG_LENGTH) {
            throw new AEADBadTagException("input shorter than a Poly1305 tag");
        }
        return crypt(Cipher.DECRYPT_MODE, key, counter, src, dst);
    }

    private int crypt(int mode, AeadKey key, long counter, ByteBuffer src, ByteBuffer dst)
            throws GeneralSecurityException {
        if (src == dst) {
            // Positions would collide; in place means two views of one buffer (duplicate()).
            throw new IllegalArgumentException("src and dst must be distinct ByteBuffer objects");
        }
        int inLen = src.remaining();
        int outLen = mode == Cipher.ENCRYPT_MODE ? inLen + TAG_LENGTH : inLen - TAG_LENGTH;
        if (dst.remaining() < outLen) {
            throw new ShortBufferException("need " + outLen + " bytes in dst, have " + dst.remaining());
        }
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int written = engine != null
                ? cryptPureJava(mode, key, counter, src, dst, inLen)
                : cryptJdk(mode, key, counter, src, dst, inLen, outLen);
        src.position(src.limit());
        dst.position(dst.position() + written);
        return written;
    }

    private int cryptPureJava(int mode, AeadKey key, long counter, ByteBuffer src, ByteBuffer dst,
            int inLen) throws AEADBadTagException {
        ByteBuffer in = src;
        int inOff = src.position();
        if (overlapsAhead(src, dst, inLen)) {
            byte[] buf = scratch(inLen);
            src.get(inOff, buf, 0, inLen);
            in = scratchBuffer;
            inOff = 0;
        }
        if (mode == Cipher.ENCRYPT_MODE) {
            engine.seal(key.words(), counter, in, inOff, inLen, dst, dst.position());
            return inLen + TAG_LENGTH;
        }
        int len = inLen - TAG_LENGTH;
        if (!engine.open(key.words(), counter, in, inOff, len, dst, dst.position())) {
            throw new AEADBadTagException("Tag mismatch");
        }
        return len;
    }

    private int cryptJdk(int mode, AeadKey key, long counter, ByteBuffer src, ByteBuffer dst,
            int inLen, int outLen) throws GeneralSecurityException {
        ChaChaPoly.writeNonce(counter, nonce);
        // IvParameterSpec clones the nonce, so one allocation per packet is unavoidable here.
        cipher.init(mode, key.secretKey(), new IvParameterSpec(nonce));
        if (src.hasArray() && dst.hasArray() && !overlapsAhead(src, dst, inLen)) {
            return cipher.doFinal(src.array(), src.arrayOffset() + src.position(), inLen,
                    dst.array(), dst.arrayOffset() + dst.position());
        }
        byte[] buf = scratch(Math.max(inLen, outLen));
        src.get(src.position(), buf, 0, inLen);
        int written = cipher.doFinal(buf, 0, inLen, buf, 0);
        dst.put(dst.position(), buf, 0, written);
        return written;
    }

    /**
     * Both implementations XOR front to back, so output that starts inside the input but after
     * its start would overwrite bytes not yet read. Output at or before the input start is fine.
     */
    private static boolean overlapsAhead(ByteBuffer src, ByteBuffer dst, int inLen) {
        if (src.isDirect() != dst.isDirect()) {
            return false; // heap and native memory never alias
        }
        if (src.isDirect()) {
            // alignmentOffset exposes the low 30 bits of a direct buffer's address without
            // allocating (MemorySegment.ofBuffer allocates twice). A distance modulo 2^30 that
            // lies inside the input is taken as overlap; for unrelated buffers that is a rare
            // false alarm costing only a copy.
            int in = src.alignmentOffset(src.position(), ADDRESS_BITS_UNIT);
            int out = dst.alignmentOffset(dst.position(), ADDRESS_BITS_UNIT);
            int ahead = (out - in) & (ADDRESS_BITS_UNIT - 1);
            return ahead != 0 && ahead < inLen;
        }
        long in;
        long out;
        if (src.hasArray() && dst.hasArray()) {
            if (src.array() != dst.array()) {
                return false;
            }
            in = src.arrayOffset() + src.position();
            out = dst.arrayOffset() + dst.position();
        } else {
            return true; // a read-only heap view hides its array: assume the worst, copy
        }
        return out > in && out < in + inLen;
    }

    private byte[] scratch(int len) {
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
            scratchBuffer = ByteBuffer.wrap(scratch);
        }
        return scratch;
    }
}
