package dev.trellis.tun.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the kernel's answers to {@link RtnlMessages} requests. A datagram may hold several
 * messages; every length field is checked against what is actually there before it is used, so
 * a truncated or corrupt datagram gives an {@link IOException} naming the flaw, never an
 * out-of-bounds read or a wrong answer. Pure Java, tested without root.
 */
final class NetlinkReplies {

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    /** In an error message's flags: the echoed request was cut to its header. */
    static final int NLM_F_CAPPED = 0x100;
    /** In an error message's flags: extended-ack attributes follow. */
    static final int NLM_F_ACK_TLVS = 0x200;
    static final int NLMSGERR_ATTR_MSG = 1;
    /** {@code struct nlmsgerr}: int error, then the request's nlmsghdr. */
    static final int NLMSGERR_SIZE = 4 + RtnlMessages.NLMSG_HDRLEN;
    static final int IFINFOMSG_SIZE = 16;
    /** Linux errno values are at most 4095 (MAX_ERRNO). */
    private static final int MAX_ERRNO = 4095;

    /** One answer to a request. */
    sealed interface Reply permits Ack, Failure, Link {
    }

    /** The request succeeded. */
    record Ack() implements Reply {
    }

    /**
     * The request failed with {@code errno}; {@code detail} is the kernel's extended-ack text
     * (e.g. "Invalid prefix for given prefix length") or empty.
     */
    record Failure(int errno, String detail) implements Reply {
    }

    /** An RTM_NEWLINK describing a link; {@code mtu} is -1 if the kernel left IFLA_MTU out. */
    record Link(int index, int mtu) implements Reply {
    }

    private NetlinkReplies() {
    }

    /**
     * The replies with sequence number {@code seq} in one datagram (from {@code position} to
     * {@code limit}), in order. Messages with other sequence numbers, NOOP and DONE are skipped.
     */
    static List<Reply> parse(ByteBuffer datagram, int seq) throws IOException {
        ByteBuffer b = datagram.slice().order(ByteOrder.nativeOrder());
        List<Reply> replies = new ArrayList<>(1);
        int off = 0;
        while (off < b.limit()) {
            int left = b.limit() - off;
            if (left < RtnlMessages.NLMSG_HDRLEN) {
                throw malformed("message at offset " + off + " has " + left
                        + " bytes, less than a netlink header");
            }
            int len = b.getInt(off);
            int type = Short.toUnsignedInt(b.getShort(off + 4));
            int flags = Short.toUnsignedInt(b.getShort(off + 6));
            int msgSeq = b.getInt(off + 8);
            if (len < RtnlMessages.NLMSG_HDRLEN || len > left) {
                throw malformed("message at offset " + off + " claims "
                        + Integer.toUnsignedString(len) + " bytes but " + left
                        + " remain (and the header alone is 16)");
            }
            ByteBuffer payload = b.slice(off + RtnlMessages.NLMSG_HDRLEN,
                    len - RtnlMessages.NLMSG_HDRLEN).order(ByteOrder.nativeOrder());
            if (type == NLMSG_OVERRUN) {
                throw malformed("the kernel reports a netlink overrun (data lost)");
            }
            if (msgSeq == seq && type != NLMSG_NOOP && type != NLMSG_DONE) {
                if (type == NLMSG_ERROR) {
                    replies.add(error(payload, flags));
                } else if (type == RtnlMessages.RTM_NEWLINK) {
                    replies.add(link(payload));
                }
                // Other types cannot answer our requests; they are skipped like foreign ones.
            }
            // The last message need not be padded; a padded length past the end just ends.
            off += RtnlMessages.align(len);
        }
        return replies;
    }

    private static Reply error(ByteBuffer p, int flags) throws IOException {
        if (p.limit() < NLMSGERR_SIZE) {
            throw malformed("error message payload has " + p.limit() + " bytes, less than the "
                    + NLMSGERR_SIZE + " of struct nlmsgerr");
        }
        int error = p.getInt(0);
        if (error == 0) {
            return new Ack();
        }
        if (error > 0 || error < -MAX_ERRNO) {
            throw malformed("error code " + error + " is not a negative errno");
        }
        String detail = "";
        if ((flags & NLM_F_ACK_TLVS) != 0) {
            // Past the echoed request: only its header if capped, else the whole request,
            // whose length field is as untrusted as the rest.
            long echoed = RtnlMessages.NLMSG_HDRLEN;
            if ((flags & NLM_F_CAPPED) == 0) {
                echoed = Integer.toUnsignedLong(p.getInt(4));
            }
            long tlvStart = 4 + ((echoed + 3) & ~3L);
            if (echoed >= RtnlMessages.NLMSG_HDRLEN && tlvStart <= p.limit()) {
                detail = extAckMessage(p.slice((int) tlvStart, p.limit() - (int) tlvStart)
                        .order(ByteOrder.nativeOrder()));
            }
        }
        return new Failure(-error, detail);
    }

    /**
     * The NLMSGERR_ATTR_MSG text among extended-ack attributes, or empty. The errno is already
     * known, so a malformed attribute here ends the search rather than hiding that errno.
     */
    private static String extAckMessage(ByteBuffer tlvs) {
        int off = 0;
        while (tlvs.limit() - off >= 4) {
            int len = Short.toUnsignedInt(tlvs.getShort(off));
            int type = Short.toUnsignedInt(tlvs.getShort(off + 2)) & 0x3fff;
            if (len < 4 || len > tlvs.limit() - off) {
                return "";
            }
            if (type == NLMSGERR_ATTR_MSG) {
                return cString(tlvs, off + 4, len - 4);
            }
            off += RtnlMessages.align(len);
        }
        return "";
    }

    private static Link link(ByteBuffer p) throws IOException {
        if (p.limit() < IFINFOMSG_SIZE) {
            throw malformed("link message payload has " + p.limit() + " bytes, less than the "
                    + IFINFOMSG_SIZE + " of struct ifinfomsg");
        }
        int index = p.getInt(4);
        int mtu = -1;
        int off = IFINFOMSG_SIZE;
        while (p.limit() - off >= 4) {
            int len = Short.toUnsignedInt(p.getShort(off));
            int type = Short.toUnsignedInt(p.getShort(off + 2)) & 0x3fff;
            if (len < 4 || len > p.limit() - off) {
                throw malformed("link attribute at offset " + off + " claims " + len
                        + " bytes but " + (p.limit() - off) + " remain");
            }
            if (type == RtnlMessages.IFLA_MTU) {
                if (len != 8) {
                    throw malformed("IFLA_MTU has " + (len - 4) + " bytes, not 4");
                }
                mtu = p.getInt(off + 4);
            }
            off += RtnlMessages.align(len);
        }
        return new Link(index, mtu);
    }

    private static String cString(ByteBuffer b, int off, int max) {
        int end = off;
        while (end < off + max && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - off];
        b.get(off, s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static IOException malformed(String what) {
        return new IOException("malformed netlink reply: " + what);
    }
}
