package dev.trellis.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes the rtnetlink requests {@link LinuxNetlink} sends: a {@code struct nlmsghdr}, a family
 * header ({@code ifinfomsg}, {@code ifaddrmsg} or {@code rtmsg}) and attributes, in host byte
 * order with every part padded to 4 bytes as {@code NLMSG_ALIGN}/{@code RTA_ALIGN} require.
 * Pure Java: the bytes are checked in unit tests, without root.
 */
final class RtnlMessages {

    static final int NLMSG_HDRLEN = 16;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_SETLINK = 19;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;

    static final int IFF_UP = 0x1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    /** {@code RTEXT_FILTER_SKIP_STATS}: keeps link replies small (no statistics). */
    static final int IFLA_EXT_MASK = 29;
    static final int RTEXT_FILTER_SKIP_STATS = 0x8;

    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_F_NODAD = 0x02;

    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RT_TABLE_MAIN = 254;
    static final int RTPROT_UNSPEC = 0;
    static final int RTPROT_STATIC = 4;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RT_SCOPE_LINK = 253;
    static final int RT_SCOPE_NOWHERE = 255;
    static final int RTN_UNICAST = 1;

    private static final int ACKED = NLM_F_REQUEST | NLM_F_ACK;
    private static final int CREATED = ACKED | NLM_F_CREATE | NLM_F_EXCL;

    private RtnlMessages() {
    }

    /** RTM_GETLINK by name; answered by one RTM_NEWLINK (index, MTU) or an error. */
    static byte[] getLink(int seq, String ifname) {
        return new Builder(RTM_GETLINK, NLM_F_REQUEST, seq)
                .ifinfo(AF_UNSPEC, 0, 0, 0)
                .attr(IFLA_EXT_MASK, u32(RTEXT_FILTER_SKIP_STATS))
                .attr(IFLA_IFNAME, cString(ifname))
                .build();
    }

    static byte[] setMtu(int seq, int index, int mtu) {
        return new Builder(RTM_SETLINK, ACKED, seq)
                .ifinfo(AF_UNSPEC, index, 0, 0)
                .attr(IFLA_MTU, u32(mtu))
                .build();
    }

    /** Changes only IFF_UP: {@code ifi_change} masks which flags the kernel applies. */
    static byte[] setUp(int seq, int index, boolean up) {
        return new Builder(RTM_SETLINK, ACKED, seq)
                .ifinfo(AF_UNSPEC, index, up ? IFF_UP : 0, IFF_UP)
                .build();
    }

    static byte[] deleteLink(int seq, int index) {
        return new Builder(RTM_DELLINK, ACKED, seq).ifinfo(AF_UNSPEC, index, 0, 0).build();
    }

    /**
     * RTM_NEWADDR (exclusive create) or RTM_DELADDR. IFA_LOCAL and IFA_ADDRESS are both the
     * address, as {@code ip addr add} sends them: on a point-to-point link a different
     * IFA_ADDRESS would mean a peer address. IPv6 skips DAD (see InterfaceConfigurator).
     */
    static byte[] address(boolean add, int seq, int index, byte[] address, int prefixLength) {
        checkPrefix(address, prefixLength);
        boolean v6 = address.length == 16;
        return new Builder(add ? RTM_NEWADDR : RTM_DELADDR, add ? CREATED : ACKED, seq)
                .u8(v6 ? AF_INET6 : AF_INET)
                .u8(prefixLength)
                .u8(v6 && add ? IFA_F_NODAD : 0)
                .u8(RT_SCOPE_UNIVERSE)
                .u32(index)
                .attr(IFA_LOCAL, address)
                .attr(IFA_ADDRESS, address)
                .build();
    }

    /**
     * RTM_NEWROUTE (exclusive create, proto static) or RTM_DELROUTE of a gatewayless route to
     * {@code destination} through interface {@code index}, in the main table. IPv4 device routes
     * have link scope; IPv6 has no route scopes (the kernel wants universe). Deletion matches any
     * protocol and scope (RTPROT_UNSPEC, RT_SCOPE_NOWHERE) so it removes the route whoever added
     * it. A /0 destination carries no RTA_DST, like iproute2.
     */
    static byte[] route(boolean add, int seq, int index, byte[] destination, int prefixLength) {
        checkPrefix(destination, prefixLength);
        boolean v6 = destination.length == 16;
        int scope = !add ? RT_SCOPE_NOWHERE : v6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
        Builder b = new Builder(add ? RTM_NEWROUTE : RTM_DELROUTE, add ? CREATED : ACKED, seq)
                .u8(v6 ? AF_INET6 : AF_INET)
                .u8(prefixLength) // rtm_dst_len
                .u8(0) // rtm_src_len
                .u8(0) // rtm_tos
                .u8(RT_TABLE_MAIN)
                .u8(add ? RTPROT_STATIC : RTPROT_UNSPEC)
                .u8(scope)
                .u8(RTN_UNICAST)
                .u32(0); // rtm_flags
        if (prefixLength > 0) {
            b.attr(RTA_DST, destination);
        }
        return b.attr(RTA_OIF, u32(index)).build();
    }

    /** The symbolic name of a request type, for error messages. */
    static String typeName(int type) {
        return switch (type) {
            case RTM_NEWLINK -> "RTM_NEWLINK";
            case RTM_DELLINK -> "RTM_DELLINK";
            case RTM_GETLINK -> "RTM_GETLINK";
            case RTM_SETLINK -> "RTM_SETLINK";
            case RTM_NEWADDR -> "RTM_NEWADDR";
            case RTM_DELADDR -> "RTM_DELADDR";
            case RTM_NEWROUTE -> "RTM_NEWROUTE";
            case RTM_DELROUTE -> "RTM_DELROUTE";
            default -> "type " + type;
        };
    }

    private static void checkPrefix(byte[] address, int prefixLength) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, not "
                    + address.length);
        }
        if (prefixLength < 0 || prefixLength > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength
                    + " out of range for " + (address.length == 4 ? "IPv4" : "IPv6"));
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(b, b.length + 1);
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    /** Appends a message's parts in host order; {@link #build} fills in nlmsg_len. */
    private static final class Builder {
        // Every request here is a few dozen bytes; the largest is under 100.
        private final ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

        Builder(int type, int flags, int seq) {
            buf.putInt(0) // nlmsg_len, set by build()
                    .putShort((short) type)
                    .putShort((short) flags)
                    .putInt(seq)
                    .putInt(0); // nlmsg_pid: 0 addresses the kernel
        }

        /** {@code struct ifinfomsg}: family, pad, type, index, flags, change. */
        Builder ifinfo(int family, int index, int flags, int change) {
            return u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
        }

        Builder u8(int v) {
            buf.put((byte) v);
            return this;
        }

        Builder u16(int v) {
            buf.putShort((short) v);
            return this;
        }

        Builder u32(int v) {
            buf.putInt(v);
            return this;
        }

        /** {@code struct rtattr}: rta_len covers header and payload but not the padding. */
        Builder attr(int type, byte[] payload) {
            buf.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
            pad();
            return this;
        }

        private void pad() {
            while (buf.position() % 4 != 0) {
                buf.put((byte) 0);
            }
        }

        byte[] build() {
            pad();
            buf.putInt(0, buf.position());
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }
}
