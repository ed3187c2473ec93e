package dev.trellis.tun.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.tun.linux.NetlinkReplies.Ack;
import dev.trellis.tun.linux.NetlinkReplies.Failure;
import dev.trellis.tun.linux.NetlinkReplies.Link;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Decoding kernel answers, including every way a datagram can be short or lie about lengths. */
class NetlinkRepliesTest {

    private static final byte[] ECHOED_HEADER = Hex.bytes("28000000 1400 0506 07000000 00000000");

    @Test
    void ackExactBytes() throws IOException {
        // len 36, NLMSG_ERROR, NLM_F_CAPPED, seq 7, port 1234; error 0; the request's header.
        byte[] ack = Hex.bytes("24000000 0200 0001 07000000 d2040000 00000000"
                + "28000000 1400 0506 07000000 00000000");
        assertThat(parse(ack, 7)).containsExactly(new Ack());
    }

    @Test
    void errorExactBytes() throws IOException {
        byte[] eexist = Hex.bytes("24000000 0200 0001 07000000 d2040000 efffffff"
                + "28000000 1400 0506 07000000 00000000");
        assertThat(parse(eexist, 7)).containsExactly(new Failure(17, ""));
    }

    @Test
    void extendedAckTextAfterCappedRequest() throws IOException {
        byte[] m = message(2, 0x300, 7, error(-22, ECHOED_HEADER,
                attr(2, new byte[] {16, 0, 0, 0}), // NLMSGERR_ATTR_OFFS, skipped
                attr(1, cString("Invalid prefix for given prefix length"))));
        assertThat(parse(m, 7)).containsExactly(
                new Failure(22, "Invalid prefix for given prefix length"));
    }

    @Test
    void extendedAckTextAfterWholeRequest() throws IOException {
        byte[] request = RtnlMessages.address(true, 7, 5, new byte[] {1, 2, 3, 4}, 30);
        byte[] m = message(2, 0x200, 7, error(-17, request, attr(1, cString("exists"))));
        assertThat(parse(m, 7)).containsExactly(new Failure(17, "exists"));
    }

    @Test
    void garbledExtendedAckKeepsTheErrno() throws IOException {
        byte[] badTlv = {(byte) 200, 0, 1, 0, 'x', 0, 0, 0}; // claims 200 bytes
        assertThat(parse(message(2, 0x300, 7, error(-17, ECHOED_HEADER, badTlv)), 7))
                .containsExactly(new Failure(17, ""));
        byte[] hugeEcho = ECHOED_HEADER.clone();
        hugeEcho[3] = (byte) 0xff; // the echoed request claims ~4 GB
        assertThat(parse(message(2, 0x200, 7, error(-17, hugeEcho, attr(1, cString("x")))), 7))
                .containsExactly(new Failure(17, ""));
    }

    @Test
    void linkReplyGivesIndexAndMtu() throws IOException {
        byte[] ifinfo = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0).put((byte) 0).putShort((short) 0xfffe).putInt(9).putInt(0x1091)
                .putInt(0).array();
        byte[] m = message(16, 0, 3, ifinfo, attr(3, cString("trt1")),
                attr(0x8000 | 26, new byte[4]), // nested flag set: still not IFLA_MTU
                attr(4, new byte[] {0x78, 0x05, 0, 0}));
        assertThat(parse(m, 3)).containsExactly(new Link(9, 1400));
        assertThat(parse(message(16, 0, 3, ifinfo), 3)).containsExactly(new Link(9, -1));
    }

    @Test
    void skipsOtherSequencesNoopAndDoneInOneDatagram() throws IOException {
        byte[] ack = error(0, ECHOED_HEADER);
        byte[] datagram = concat(message(2, 0, 6, ack), message(1, 0, 7), message(3, 0, 7),
                message(24, 0, 7, new byte[12]), message(2, 0, 7, ack));
        assertThat(parse(datagram, 7)).containsExactly(new Ack());
        assertThat(parse(datagram, 5)).isEmpty();
        assertThat(parse(new byte[0], 7)).isEmpty();
    }

    @Test
    void lastMessageNeedNotBePadded() throws IOException {
        byte[] ifinfo = new byte[16];
        byte[] m = message(16, 0, 3, ifinfo, new byte[] {5, 0, 3, 0, 'x'}); // 37 bytes
        assertThat(m).hasSize(37);
        assertThat(parse(m, 3)).containsExactly(new Link(0, -1));
    }

    @Test
    void honoursTheBufferPositionAndLimit() throws IOException {
        byte[] ack = message(2, 0, 7, error(0, ECHOED_HEADER));
        ByteBuffer b = ByteBuffer.allocate(ack.length + 8);
        b.put(new byte[] {1, 2, 3}).put(ack).put(new byte[] {9, 9});
        b.flip().position(3).limit(3 + ack.length);
        assertThat(NetlinkReplies.parse(b, 7)).containsExactly(new Ack());
    }

    @Test
    void rejectsTruncatedAndLyingHeaders() {
        assertMalformed(new byte[10], 1, "message at offset 0 has 10 bytes, less than a netlink header");
        byte[] claims100 = message(2, 0, 7, error(0, ECHOED_HEADER));
        ByteBuffer.wrap(claims100).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 100);
        assertMalformed(claims100, 7, "claims 100 bytes but 36 remain");
        byte[] claims8 = claims100.clone();
        ByteBuffer.wrap(claims8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 8);
        assertMalformed(claims8, 7, "claims 8 bytes");
        byte[] claimsHuge = claims100.clone();
        ByteBuffer.wrap(claimsHuge).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -1);
        assertMalformed(claimsHuge, 7, "claims 4294967295 bytes");
        byte[] secondCut = concat(message(1, 0, 7), new byte[] {1, 2, 3});
        assertMalformed(secondCut, 7, "message at offset 16 has 3 bytes");
    }

    @Test
    void rejectsShortOrNonsensicalErrors() {
        assertMalformed(message(2, 0, 7, new byte[] {0, 0, 0}), 7,
                "error message payload has 3 bytes, less than the 20 of struct nlmsgerr");
        assertMalformed(message(2, 0, 7, new byte[] {-17, -1, -1, -1}), 7,
                "payload has 4 bytes");
        assertMalformed(message(2, 0, 7, error(5, ECHOED_HEADER)), 7,
                "error code 5 is not a negative errno");
        assertMalformed(message(2, 0, 7, error(-5000, ECHOED_HEADER)), 7,
                "error code -5000 is not a negative errno");
        assertMalformed(message(4, 0, 7), 7, "overrun");
    }

    @Test
    void rejectsShortOrLyingLinks() {
        assertMalformed(message(16, 0, 3, new byte[8]), 3,
                "link message payload has 8 bytes, less than the 16 of struct ifinfomsg");
        assertMalformed(message(16, 0, 3, new byte[16], new byte[] {100, 0, 3, 0}), 3,
                "link attribute at offset 16 claims 100 bytes but 4 remain");
        assertMalformed(message(16, 0, 3, new byte[16], new byte[] {2, 0, 3, 0}), 3,
                "link attribute at offset 16 claims 2 bytes");
        assertMalformed(message(16, 0, 3, new byte[16], attr(4, new byte[] {1, 2})), 3,
                "IFLA_MTU has 2 bytes, not 4");
    }

    private static java.util.List<NetlinkReplies.Reply> parse(byte[] datagram, int seq)
            throws IOException {
        return NetlinkReplies.parse(ByteBuffer.wrap(datagram), seq);
    }

    private static void assertMalformed(byte[] datagram, int seq, String detail) {
        assertThatThrownBy(() -> parse(datagram, seq))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("malformed netlink reply: ")
                .hasMessageContaining(detail);
    }

    /** An nlmsghdr (little-endian, port 1234) followed by the parts, unpadded at the end. */
    private static byte[] message(int type, int flags, int seq, byte[]... parts) {
        byte[] body = concat(parts);
        ByteBuffer b = ByteBuffer.allocate(16 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(16 + body.length).putShort((short) type).putShort((short) flags).putInt(seq)
                .putInt(1234).put(body);
        return b.array();
    }

    private static byte[] error(int code, byte[] echoed, byte[]... tlvs) {
        byte[] e = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(code).array();
        return concat(e, echoed, concat(tlvs));
    }

    /** An attribute, padded to 4 bytes. */
    private static byte[] attr(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(RtnlMessages.align(4 + payload.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
        return b.array();
    }

    private static byte[] cString(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
