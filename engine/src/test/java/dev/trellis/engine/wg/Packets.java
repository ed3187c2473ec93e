package dev.trellis.engine.wg;

import dev.trellis.protocol.net.IpPrefix;
import java.nio.ByteBuffer;

/** Builds minimal IPv4/IPv6 UDP packets for tests. */
final class Packets {
    private Packets() {}

    static byte[] udp4(String src, String dst, byte[] payload) {
        int total = 20 + 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
        b.put(IpPrefix.parseNumericAddress(src)).put(IpPrefix.parseNumericAddress(dst));
        b.putShort((short) 1234).putShort((short) 5678).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    static byte[] udp6(String src, String dst, byte[] payload) {
        int plen = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + plen);
        b.putInt(0x60000000).putShort((short) plen).put((byte) 17).put((byte) 64);
        b.put(IpPrefix.parseNumericAddress(src)).put(IpPrefix.parseNumericAddress(dst));
        b.putShort((short) 1234).putShort((short) 5678).putShort((short) plen).putShort((short) 0);
        b.put(payload);
        return b.array();
    }
}
