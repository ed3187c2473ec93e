package dev.trellis.engine.crypto;

import dev.trellis.protocol.crypto.ChaChaPoly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.ShortBufferException;
import org.junit.jupiter.api.Test;

class TransportAeadTest {

    private static final byte[] KEY_BYTES = Rfc8439.KEY;
    private static final AeadKey KEY = new AeadKey(KEY_BYTES);
    /** WireGuard transport header: type, receiver index, counter. */
    private static final int HEADER = 16;

    final TransportAead aead = newAead();

    /** The pure-Java engine; {@link TransportAeadJdkTest} runs every test on the JDK cipher. */
    TransportAead newAead() {
        return new TransportAead(TransportAead.Implementation.PURE_JAVA);
    }
    private final Random random = new Random(8439);

    private byte[] payload(int len) {
        byte[] b = new byte[len];
        random.nextBytes(b);
        return b;
    }

    private static ByteBuffer buffer(boolean direct, int capacity) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    /** Every combination of heap and direct agrees with the one-shot ChaChaPoly. */
    @Test
    void roundTripAcrossBufferKinds() throws Exception {
        long counter = 0;
        for (boolean srcDirect : new boolean[] {false, true}) {
            for (boolean dstDirect : new boolean[] {false, true}) {
                for (int len : new int[] {0, 1, 64, 1420, 3000, 65_519}) {
                    counter++;
                    byte[] plain = payload(len);
                    ByteBuffer src = buffer(srcDirect, len + 3).position(3);
                    src.put(plain).flip().position(3);
                    ByteBuffer sealed = buffer(dstDirect, len + 40).position(5);

                    assertThat(aead.seal(KEY, counter, src, sealed)).isEqualTo(len + 16);
                    assertThat(src.remaining()).isZero();
                    assertThat(sealed.position()).isEqualTo(5 + len + 16);
                    byte[] wire = new byte[len + 16];
                    sealed.get(5, wire);
                    assertThat(wire).isEqualTo(ChaChaPoly.seal(KEY_BYTES, counter, plain, null));

                    sealed.limit(sealed.position()).position(5);
                    ByteBuffer opened = buffer(srcDirect, len + 1);
                    assertThat(aead.open(KEY, counter, sealed, opened)).isEqualTo(len);
                    byte[] back = new byte[len];
                    opened.flip().get(back);
                    assertThat(back).isEqualTo(plain);
                }
            }
        }
    }

    /** The data path's layout: payload sealed where it lies behind the header, and opened there. */
    @Test
    void inPlaceBehindHeader() throws Exception {
        for (boolean direct : new boolean[] {false, true}) {
            // A fresh counter per packet: the JDK rejects encrypting under the previous init's
            // key and nonce (decrypt included), so a test must not reuse nonces either.
            long counter = direct ? 43 : 42;
            byte[] plain = payload(1400);
            ByteBuffer packet = buffer(direct, HEADER + plain.length + 16);
            packet.position(HEADER).put(plain);
            ByteBuffer in = packet.duplicate().position(HEADER).limit(HEADER + plain.length);
            ByteBuffer out = packet.duplicate().position(HEADER);
            aead.seal(KEY, counter, in, out);

            byte[] wire = new byte[plain.length + 16];
            packet.get(HEADER, wire);
            assertThat(wire).isEqualTo(ChaChaPoly.seal(KEY_BYTES, counter, plain, null));

            in = packet.duplicate().position(HEADER).limit(packet.capacity());
            out = packet.duplicate().position(HEADER);
            assertThat(aead.open(KEY, counter, in, out)).isEqualTo(plain.length);
            byte[] back = new byte[plain.length];
            packet.get(HEADER, back);
            assertThat(back).isEqualTo(plain);
        }
    }

    /** Output starting inside the input but after it would be corrupted by a forward XOR. */
    @Test
    void overlappingOutputAheadOfInputIsStillCorrect() throws Exception {
        byte[] plain = payload(500);
        byte[] array = new byte[600];
        System.arraycopy(plain, 0, array, 0, plain.length);
        ByteBuffer in = ByteBuffer.wrap(array, 0, plain.length);
        ByteBuffer out = ByteBuffer.wrap(array).position(7);
        aead.seal(KEY, 9, in, out);
        assertThat(Arrays.copyOfRange(array, 7, 7 + plain.length + 16))
                .isEqualTo(ChaChaPoly.seal(KEY_BYTES, 9, plain, null));
        // Strip a header while opening: output before input is the cheap direction.
        ByteBuffer ct = ByteBuffer.wrap(array, 7, plain.length + 16);
        assertThat(aead.open(KEY, 9, ct, ByteBuffer.wrap(array))).isEqualTo(plain.length);
        assertThat(Arrays.copyOf(array, plain.length)).isEqualTo(plain);
    }

    /** The same for direct memory, reached through a duplicate and through a slice. */
    @Test
    void overlappingOutputAheadOfInputInDirectMemory() throws Exception {
        for (boolean slice : new boolean[] {false, true}) {
            byte[] plain = payload(500);
            ByteBuffer memory = ByteBuffer.allocateDirect(600).put(0, plain);
            ByteBuffer in = memory.duplicate().limit(plain.length);
            ByteBuffer out = slice ? memory.slice(7, 593) : memory.duplicate().position(7);
            aead.seal(KEY, slice ? 11 : 10, in, out);
            byte[] wire = new byte[plain.length + 16];
            memory.get(7, wire);
            assertThat(wire).isEqualTo(ChaChaPoly.seal(KEY_BYTES, slice ? 11 : 10, plain, null));
        }
    }

    @Test
    void tamperingIsDetectedAndLeavesBuffersAlone() throws Exception {
        for (boolean direct : new boolean[] {false, true}) {
            byte[] sealed = ChaChaPoly.seal(KEY_BYTES, 3, payload(100), null);
            for (int index : new int[] {0, 50, 99, 100, 115}) {
                ByteBuffer src = buffer(direct, sealed.length).put(sealed).flip();
                src.put(index, (byte) (src.get(index) ^ 4));
                ByteBuffer dst = buffer(direct, 200);
                assertThatThrownBy(() -> aead.open(KEY, 3, src, dst))
                        .isInstanceOf(AEADBadTagException.class);
                assertThat(src.position()).isZero();
                assertThat(dst.position()).isZero();
                assertThat(dst.duplicate().clear()).isEqualTo(buffer(false, 200));
            }
            ByteBuffer intact = buffer(direct, sealed.length).put(sealed).flip();
            assertThatThrownBy(() -> aead.open(KEY, 4, intact, buffer(direct, 200)))
                    .isInstanceOf(AEADBadTagException.class);
            assertThatThrownBy(() -> aead.open(KEY, 3, buffer(direct, 15), buffer(direct, 200)))
                    .isInstanceOf(AEADBadTagException.class);
        }
    }

    @Test
    void misuseIsReported() {
        assertThatThrownBy(() -> aead.seal(KEY, 1, ByteBuffer.allocate(100), ByteBuffer.allocate(115)))
                .isInstanceOf(ShortBufferException.class);
        ByteBuffer same = ByteBuffer.allocate(100);
        assertThatThrownBy(() -> aead.open(KEY, 1, same, same))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AeadKey(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Steady state must not allocate in proportion to the packet, as the JDK's own ByteBuffer
     * path does for direct buffers (a packet-sized byte[] per call). What is left is Cipher.init's
     * fixed garbage. Bounds are loose: this guards the design, it does not benchmark it.
     */
    @Test
    void allocationDoesNotScaleWithPacketSize() throws Exception {
        assertThat(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemoryEnabled()).as("this JVM counts allocated bytes per thread").isTrue();
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer src = buffer(direct, 16_384);
            ByteBuffer dst = buffer(direct, 16_384 + 16);
            long counter = 1_000;
            for (int i = 0; i < 2_000; i++) {
                aead.seal(KEY, counter++, src.clear(), dst.clear());
            }
            int rounds = 1_000;
            long before = allocatedBytes();
            for (int i = 0; i < rounds; i++) {
                aead.seal(KEY, counter++, src.clear(), dst.clear());
            }
            long perPacket = (allocatedBytes() - before) / rounds;
            assertThat(perPacket).as("bytes allocated per 16 KiB seal, direct=%s", direct)
                    .isLessThan(4_096);
        }
    }

    static long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }
}
