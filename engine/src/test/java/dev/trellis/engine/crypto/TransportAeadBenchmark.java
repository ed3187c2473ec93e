package dev.trellis.engine.crypto;

import java.nio.ByteBuffer;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Single-thread throughput of 1400-byte transport seals/opens, to choose the data path's buffer
 * kind. Not a test (nothing asserts timing); run with the test classpath:
 * {@code java -cp target/test-classes:target/classes:<bcprov> dev.trellis.engine.crypto.TransportAeadBenchmark}.
 */
public final class TransportAeadBenchmark {

    private static final int PAYLOAD = 1400;
    private static final int HEADER = 16;
    private static final byte[] KEY = ChaChaPolyTest.KEY;

    private interface Op {
        void run(long counter) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        // Two passes: the first lets every variant's code reach C2 before anything is reported.
        for (int pass = 1; pass <= 2; pass++) {
            System.out.println("pass " + pass);
            pass(seconds);
        }
    }

    private static void pass(double seconds) throws Exception {
        AeadKey key = new AeadKey(KEY);
        TransportAead aead = new TransportAead();

        byte[] heapPacket = new byte[HEADER + PAYLOAD + 16];
        ByteBuffer heap = ByteBuffer.wrap(heapPacket);
        ByteBuffer direct = ByteBuffer.allocateDirect(HEADER + PAYLOAD + 16);
        ByteBuffer directOut = ByteBuffer.allocateDirect(HEADER + PAYLOAD + 16);
        Cipher raw = Cipher.getInstance("ChaCha20-Poly1305");
        byte[] nonce = new byte[12];
        ChaCha20Poly1305 bc = new ChaCha20Poly1305();
        KeyParameter bcKey = new KeyParameter(KEY);

        run("TransportAead.seal heap, in place", seconds, c -> aead.seal(key, c,
                heap.duplicate().position(HEADER).limit(HEADER + PAYLOAD),
                heap.duplicate().position(HEADER)));
        run("TransportAead.seal direct, in place (scratch copy)", seconds, c -> aead.seal(key, c,
                direct.duplicate().position(HEADER).limit(HEADER + PAYLOAD),
                direct.duplicate().position(HEADER)));
        run("JDK Cipher.doFinal(ByteBuffer) direct->direct", seconds, c -> {
            ChaChaPoly.writeNonce(c, nonce);
            raw.init(Cipher.ENCRYPT_MODE, key.secretKey(), new IvParameterSpec(nonce));
            raw.doFinal(direct.duplicate().position(HEADER).limit(HEADER + PAYLOAD),
                    directOut.duplicate().position(HEADER));
        });
        run("JDK Cipher.doFinal(ByteBuffer) heap->heap", seconds, c -> {
            ChaChaPoly.writeNonce(c, nonce);
            raw.init(Cipher.ENCRYPT_MODE, key.secretKey(), new IvParameterSpec(nonce));
            raw.doFinal(heap.duplicate().position(HEADER).limit(HEADER + PAYLOAD),
                    heap.duplicate().position(HEADER));
        });
        run("Cipher.init alone (per-packet fixed cost)", seconds, c -> {
            ChaChaPoly.writeNonce(c, nonce);
            raw.init(Cipher.ENCRYPT_MODE, key.secretKey(), new IvParameterSpec(nonce));
        });
        run("BouncyCastle ChaCha20Poly1305 heap, in place", seconds, c -> {
            ChaChaPoly.writeNonce(c, nonce);
            // A null key keeps the previous one (BC re-derives nothing for it).
            bc.init(true, new ParametersWithIV(c == 0 ? bcKey : null, nonce));
            int n = bc.processBytes(heapPacket, HEADER, PAYLOAD, heapPacket, HEADER);
            bc.doFinal(heapPacket, HEADER + n);
        });

        // Open needs valid ciphertext: seal once per counter value would dominate, so open one
        // fixed packet with a fresh cipher init each time (decrypt has no nonce-reuse guard).
        byte[] sealed = ChaChaPoly.seal(KEY, 77, new byte[PAYLOAD], null);
        byte[] openHeap = new byte[HEADER + sealed.length];
        ByteBuffer openDirect = ByteBuffer.allocateDirect(HEADER + sealed.length);
        run("TransportAead.open heap, in place", seconds, c -> {
            System.arraycopy(sealed, 0, openHeap, HEADER, sealed.length);
            aead.open(key, 77, ByteBuffer.wrap(openHeap, HEADER, sealed.length),
                    ByteBuffer.wrap(openHeap, HEADER, sealed.length));
        });
        run("TransportAead.open direct, in place (scratch copy)", seconds, c -> {
            openDirect.put(HEADER, sealed);
            aead.open(key, 77, openDirect.duplicate().position(HEADER),
                    openDirect.duplicate().position(HEADER));
        });

        byte[] priv = X25519.generatePrivateKey();
        byte[] pub = X25519.publicKey(X25519.generatePrivateKey());
        run("X25519.dh (JDK XDH), for scale", seconds / 2, c -> X25519.dh(priv, pub));
        byte[] shared = new byte[32];
        run("BouncyCastle rfc7748 X25519, for scale", seconds / 2,
                c -> org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(priv, 0, pub, 0, shared, 0));
    }

    private static void run(String name, double seconds, Op op) throws Exception {
        long counter = 0;
        long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9);
        while (System.nanoTime() < warmEnd) {
            op.run(counter++);
        }
        long allocBefore = TransportAeadTest.allocatedBytes();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long ops = 0;
        long now;
        do {
            for (int i = 0; i < 256; i++) {
                op.run(counter++);
            }
            ops += 256;
            now = System.nanoTime();
        } while (now < end);
        double elapsed = (now - start) / 1e9;
        long alloc = (TransportAeadTest.allocatedBytes() - allocBefore) / ops;
        double perSec = ops / elapsed;
        System.out.printf(Locale.ROOT, "%-52s %9.0f ops/s %7.2f Gbit/s %7.2f µs/op %6d B/op alloc%n",
                name, perSec, perSec * PAYLOAD * 8 / 1e9, 1e6 / perSec, alloc);
    }
}
