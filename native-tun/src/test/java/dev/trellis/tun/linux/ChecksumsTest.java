package dev.trellis.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: the words sum to 0x2ddf0, folded 0xddf2, checksum 0x220d.
        ByteBuffer b = ByteBuffer.wrap(Hex.bytes("0001 f203 f4f5 f6f7"));
        assertThat(Checksums.fold(Checksums.add(b, 0, 8, 0))).isEqualTo(0xddf2);
        assertThat(Checksums.checksum(b, 0, 8, 0)).isEqualTo(0x220d);
    }

    @Test
    void ipv4HeaderKnownAnswer() {
        ByteBuffer b = ByteBuffer.wrap(
                Hex.bytes("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7"));
        assertThat(Checksums.checksum(b, 0, 20, 0)).isEqualTo(0xb861);
    }

    @Test
    void matchesASimpleImplementationAtEveryOffsetLengthAndByteOrder() {
        Random r = new Random(7);
        byte[] data = new byte[300];
        r.nextBytes(data);
        ByteBuffer direct = ByteBuffer.allocateDirect(300).put(0, data);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.wrap(data), direct}) {
                b.order(order);
                for (int off = 0; off < 9; off++) {
                    for (int len = 0; len < 280; len += 1 + len / 8) {
                        assertThat(Checksums.checksum(b, off, len, 0x1_2345L))
                                .as("offset %d length %d %s", off, len, order)
                                .isEqualTo(TcpPackets.checksum(data, off, len, 0x1_2345L));
                    }
                }
            }
        }
    }

    @Test
    void fieldsAreBigEndianWhateverTheBufferOrder() {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        Checksums.put32(b, 0, 0x01020304);
        Checksums.put16(b, 4, 0xa1b2);
        assertThat(Hex.of(b.array())).isEqualTo("01020304a1b20000");
        assertThat(Checksums.u32(b, 0)).isEqualTo(0x01020304);
        assertThat(Checksums.u16(b, 4)).isEqualTo(0xa1b2);
    }
}
