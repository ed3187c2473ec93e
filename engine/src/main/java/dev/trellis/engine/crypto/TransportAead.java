package dev.trellis.engine.crypto;

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
 * <p>Buffer handling follows what the JDK cipher (JDK 25, {@code ChaCha20Cipher}) really does:
 * <ul>
 *   <li>Heap arrays are processed where they lie, in place if asked, with no copy.
 *   <li>Its ByteBuffer path, given a direct buffer, allocates a packet-sized {@code byte[]} and
 *       copies in and out (both ways, for seal and open). Here a direct buffer is instead copied
 *       through a scratch array owned by this instance, so the copy stays and the allocation goes.
 * </ul>
 * Heap buffers are therefore the fast path; see TransportAeadBenchmark for numbers.
 *
 * <p>What remains per packet is {@code Cipher.init}: about 2.3 KB of short-lived garbage (key and
 * nonce clones, a Poly1305 instance, a 1 KiB buffer for its one-block key) and, with the AVX-512
 * intrinsics, a fixed ~0.65 µs, close to half the cost of a 1400-byte seal. Every packet has its
 * own nonce, and no public JCE API changes the nonce without a full init.
 *
 * <p>The JDK refuses to init for encryption with the key and nonce of the previous init, encrypt
 * or decrypt. WireGuard never repeats a send counter and uses different keys per direction, so
 * this only fires on a real bug (a nonce reuse), which is exactly when it should.
 */
public final class TransportAead {

    public static final int TAG_LENGTH = ChaChaPoly.TAG_LENGTH;

    private final Cipher cipher;
    private final byte[] nonce = new byte[ChaChaPoly.NONCE_LENGTH];
    /** For direct and read-only buffers; grows to the largest packet seen, then stays. */
    private byte[] scratch = new byte[2048];

    public TransportAead() {
        try {
            cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable in this JDK", e);
        }
    }

    /**
     * Encrypts src (position..limit) into dst at dst.position, appending the 16-byte tag. On
     * success src.position moves to its limit and dst.position past the output. In place is
     * allowed when dst's output starts at or before src's input in the same array, which covers
     * sealing a payload where it lies.
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
        ChaChaPoly.writeNonce(counter, nonce);
        // IvParameterSpec clones the nonce, so one allocation per packet is unavoidable here.
        cipher.init(mode, key.secretKey(), new IvParameterSpec(nonce));

        int written;
        if (src.hasArray() && dst.hasArray() && !overlapsAhead(src, dst, inLen)) {
            written = cipher.doFinal(src.array(), src.arrayOffset() + src.position(), inLen,
                    dst.array(), dst.arrayOffset() + dst.position());
        } else {
            byte[] buf = scratch(Math.max(inLen, outLen));
            src.get(src.position(), buf, 0, inLen);
            written = cipher.doFinal(buf, 0, inLen, buf, 0);
            dst.put(dst.position(), buf, 0, written);
        }
        src.position(src.limit());
        dst.position(dst.position() + written);
        return written;
    }

    /**
     * The JDK's byte[] path XORs front to back, so output that starts inside the input but after
     * its start would overwrite bytes not yet read. Output at or before the input start is fine.
     */
    private static boolean overlapsAhead(ByteBuffer src, ByteBuffer dst, int inLen) {
        if (src.array() != dst.array()) {
            return false;
        }
        int in = src.arrayOffset() + src.position();
        int out = dst.arrayOffset() + dst.position();
        return out > in && out < in + inLen;
    }

    private byte[] scratch(int len) {
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        return scratch;
    }
}
