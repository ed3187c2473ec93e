package dev.trellis.engine.crypto;

import dev.trellis.protocol.crypto.ChaChaPoly;
import dev.trellis.protocol.crypto.X25519;
import java.nio.ByteBuffer;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Single-thread throughput of 1420-byte transport seals/opens: pure-Java engine against the JDK
 * cipher (which pays a Cipher.init per packet), heap and direct buffers. Not a test (nothing asserts timing); run with the test classpath:
 * {@code java -cp target/test-classes:target/classes:<bcprov> dev.trellis.engine.crypto.TransportAeadBenchmark}.
 */
public final class TransportAeadBenchmark {

    private static final int PAYLOAD = 1420;
    private static final int HEADER = 16;
    private static final byte[] KEY = Rfc8439.KEY;

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
        for (TransportAead.Implementation impl : TransportAead.Implementation.values()) {
            TransportAead aead = new TransportAead(impl);
            for (boolean direct : new boolean[] {false, true}) {
                transport(seconds, key, aead, impl + (direct ? " direct" : " heap"), direct);
            }
        }

        byte[] heapPacket = new byte[HEADER + PAYLOAD + 16];
        ByteBuffer heap = ByteBuffer.wrap(heapPacket);
        ByteBuffer direct = ByteBuffer.allocateDirect(HEADER + PAYLOAD + 16);
        ByteBuffer directOut = ByteBuffer.allocateDirect(HEADER + PAYLOAD + 16);
        Cipher raw = Cipher.getInstance("ChaCha20-Poly1305");
        byte[] nonce = new byte[12];
        ChaCha20Poly1305 bc = new ChaCha20Poly1305();
        KeyParameter bcKey = new KeyParameter(KEY);

        run("JDK Cipher.doFinal(ByteBuffer) direct->direct", seconds, c -> {
            ChaChaPoly.writeNonce(c, nonce);
            raw.init(Cipher.ENCRYPT_MODE, key.secretKey(), new IvParameterSpec(nonce));
            raw.doFinal(direct.duplicate().position(HEADER).limit(HEADER + PAYLOAD),
                    directOut.duplicate().position(HEADER));
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

        byte[] priv = X25519.generatePrivateKey();
        byte[] pub = X25519.publicKey(X25519.generatePrivateKey());
        run("X25519.dh (JDK XDH), for scale", seconds / 2, c -> X25519.dh(priv, pub));
        byte[] shared = new byte[32];
        run("BouncyCastle rfc7748 X25519, for scale", seconds / 2,
                c -> org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(priv, 0, pub, 0, shared, 0));
    }

    /**
     * Seal, open and a seal+open round trip, all in place behind the header as the device does.
     * Open needs valid ciphertext, so each open first copies one sealed packet back in (a 1.4 KB
     * copy, a few percent of the op); the round trip needs no copy.
     */
    private static void transport(double seconds, AeadKey key, TransportAead aead, String label,
            boolean isDirect) throws Exception {
        ByteBuffer packet = isDirect
                ? ByteBuffer.allocateDirect(HEADER + PAYLOAD + 16)
                : ByteBuffer.allocate(HEADER + PAYLOAD + 16);
        ByteBuffer in = packet.duplicate();
        ByteBuffer out = packet.duplicate();
        run(label + " seal", seconds, c -> aead.seal(key, c,
                in.limit(HEADER + PAYLOAD).position(HEADER), out.clear().position(HEADER)));
        byte[] sealed = ChaChaPoly.seal(KEY, 77, new byte[PAYLOAD], null);
        run(label + " open (+copy in)", seconds, c -> {
            packet.put(HEADER, sealed);
            aead.open(key, 77, in.limit(HEADER + sealed.length).position(HEADER),
                    out.clear().position(HEADER));
        });
        run(label + " seal+open (per packet pair)", seconds, c -> {
            aead.seal(key, c, in.limit(HEADER + PAYLOAD).position(HEADER),
                    out.clear().position(HEADER));
            aead.open(key, c, in.limit(HEADER + PAYLOAD + 16).position(HEADER),
                    out.clear().position(HEADER));
        });
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
