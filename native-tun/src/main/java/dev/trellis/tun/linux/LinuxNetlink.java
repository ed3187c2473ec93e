package dev.trellis.tun.linux;

import static dev.trellis.tun.linux.RtnlMessages.RTM_DELADDR;
import static dev.trellis.tun.linux.RtnlMessages.RTM_DELLINK;
import static dev.trellis.tun.linux.RtnlMessages.RTM_DELROUTE;
import static dev.trellis.tun.linux.RtnlMessages.RTM_GETLINK;
import static dev.trellis.tun.linux.RtnlMessages.RTM_NEWADDR;
import static dev.trellis.tun.linux.RtnlMessages.RTM_NEWROUTE;
import static dev.trellis.tun.linux.RtnlMessages.RTM_SETLINK;

import dev.trellis.protocol.net.IpPrefix;
import dev.trellis.tun.InterfaceConfigException;
import dev.trellis.tun.InterfaceConfigurator;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link InterfaceConfigurator} over rtnetlink: each call encodes a request with
 * {@link RtnlMessages}, sends it on a fresh {@link NetlinkSocket} with NLM_F_ACK, and decodes
 * the answer with {@link NetlinkReplies}. Interfaces are named by the caller and resolved to an
 * index per call, so a recreated interface is never addressed by a stale index. Stateless apart
 * from the sequence counter, hence shareable.
 */
final class LinuxNetlink implements InterfaceConfigurator {

    static final LinuxNetlink INSTANCE = new LinuxNetlink();

    /** Bounds the replies read for one request; a request gets one or two. */
    private static final int MAX_DATAGRAMS = 64;

    private final AtomicInteger sequence = new AtomicInteger((int) System.nanoTime() & 0xffff);

    private LinuxNetlink() {
    }

    @Override
    public int index(String ifname) throws IOException {
        return link(ifname).index();
    }

    /** The MTU the kernel reports for {@code ifname}. */
    int mtu(String ifname) throws IOException {
        int mtu = link(ifname).mtu();
        if (mtu < 0) {
            throw new IOException("netlink RTM_GETLINK on " + ifname + ": reply has no IFLA_MTU");
        }
        return mtu;
    }

    private NetlinkReplies.Link link(String ifname) throws IOException {
        Ifreq.checkName(ifname, false);
        int seq = sequence.incrementAndGet();
        return (NetlinkReplies.Link) exchange(RTM_GETLINK, ifname, "",
                RtnlMessages.getLink(seq, ifname), seq);
    }

    @Override
    public void setMtu(String ifname, int mtu) throws IOException {
        if (mtu <= 0) {
            throw new IllegalArgumentException("MTU must be positive, not " + mtu);
        }
        int seq = sequence.incrementAndGet();
        exchange(RTM_SETLINK, ifname, "MTU " + mtu,
                RtnlMessages.setMtu(seq, index(ifname), mtu), seq);
    }

    @Override
    public void setUp(String ifname, boolean up) throws IOException {
        int seq = sequence.incrementAndGet();
        exchange(RTM_SETLINK, ifname, up ? "up" : "down",
                RtnlMessages.setUp(seq, index(ifname), up), seq);
    }

    @Override
    public void addAddress(String ifname, InetAddress address, int prefixLength)
            throws IOException {
        changeAddress(true, ifname, address, prefixLength);
    }

    @Override
    public void removeAddress(String ifname, InetAddress address, int prefixLength)
            throws IOException {
        changeAddress(false, ifname, address, prefixLength);
    }

    private void changeAddress(boolean add, String ifname, InetAddress address, int prefixLength)
            throws IOException {
        byte[] raw = address.getAddress();
        // Validate before touching the kernel, so a bad argument is not reported as an OS error.
        RtnlMessages.address(add, 0, 0, raw, prefixLength);
        int seq = sequence.incrementAndGet();
        String subject = address.getHostAddress().replaceAll("%.*$", "") + "/" + prefixLength;
        exchange(add ? RTM_NEWADDR : RTM_DELADDR, ifname, subject,
                RtnlMessages.address(add, seq, index(ifname), raw, prefixLength), seq);
    }

    @Override
    public void addRoute(String ifname, IpPrefix destination) throws IOException {
        changeRoute(true, ifname, destination);
    }

    @Override
    public void removeRoute(String ifname, IpPrefix destination) throws IOException {
        changeRoute(false, ifname, destination);
    }

    private void changeRoute(boolean add, String ifname, IpPrefix destination)
            throws IOException {
        int seq = sequence.incrementAndGet();
        exchange(add ? RTM_NEWROUTE : RTM_DELROUTE, ifname, destination.toString(),
                RtnlMessages.route(add, seq, index(ifname), destination.address(),
                        destination.bits()), seq);
    }

    @Override
    public void deleteLink(String ifname) throws IOException {
        int seq = sequence.incrementAndGet();
        exchange(RTM_DELLINK, ifname, "", RtnlMessages.deleteLink(seq, index(ifname)), seq);
    }

    /**
     * Sends {@code request} and returns its answer: the link for RTM_GETLINK, else the ack.
     * {@code subject} (the address, route or MTU concerned) only feeds error messages.
     */
    private static NetlinkReplies.Reply exchange(int type, String ifname, String subject,
            byte[] request, int seq) throws IOException {
        boolean wantLink = type == RTM_GETLINK;
        try (NetlinkSocket socket = NetlinkSocket.open()) {
            socket.send(request);
            for (int i = 0; i < MAX_DATAGRAMS; i++) {
                for (NetlinkReplies.Reply r : NetlinkReplies.parse(socket.receive(), seq)) {
                    if (r instanceof NetlinkReplies.Failure f) {
                        throw failure(type, ifname, subject, f);
                    }
                    if (wantLink == (r instanceof NetlinkReplies.Link)) {
                        return r;
                    }
                }
            }
        }
        throw new IOException("netlink " + RtnlMessages.typeName(type) + " on " + ifname
                + ": no answer among " + MAX_DATAGRAMS + " replies");
    }

    /** {@code "netlink RTM_NEWADDR on trellis0: File exists (EEXIST); <what to do>"}. */
    static InterfaceConfigException failure(int type, String ifname, String subject,
            NetlinkReplies.Failure f) {
        int errno = f.errno();
        String hint = switch (errno) {
            case Errno.EEXIST -> switch (type) {
                case RTM_NEWADDR -> subject + " is already assigned to " + ifname;
                case RTM_NEWROUTE -> "a route to " + subject + " already exists in the main table";
                default -> "";
            };
            case Errno.EADDRNOTAVAIL -> type == RTM_DELADDR
                    ? subject + " is not assigned to " + ifname : "";
            case Errno.ESRCH -> type == RTM_DELROUTE
                    ? "there is no route to " + subject + " through " + ifname : "";
            case 100 -> "bring " + ifname + " up first"; // ENETDOWN
            case Errno.EINVAL -> type == RTM_SETLINK && subject.startsWith("MTU")
                    ? subject + " is out of range for this device (IPv6 needs at least 1280)"
                    : "";
            default -> "";
        };
        if (hint.isEmpty()) {
            hint = Errno.generalHint(errno);
        }
        String message = "netlink " + RtnlMessages.typeName(type) + " on " + ifname + ": "
                + Errno.describe(errno)
                + (f.detail().isEmpty() ? "" : " [kernel: " + f.detail() + "]")
                + (hint.isEmpty() ? "" : "; " + hint);
        InterfaceConfigException.Reason reason = switch (errno) {
            case Errno.EEXIST -> InterfaceConfigException.Reason.ALREADY_EXISTS;
            case Errno.ENODEV, Errno.ENOENT, Errno.ESRCH, Errno.EADDRNOTAVAIL ->
                    InterfaceConfigException.Reason.NOT_FOUND;
            case Errno.EPERM, Errno.EACCES -> InterfaceConfigException.Reason.NOT_PERMITTED;
            default -> InterfaceConfigException.Reason.OTHER;
        };
        return new InterfaceConfigException(reason, message);
    }
}
