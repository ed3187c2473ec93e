package dev.trellis.tun.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An AF_NETLINK / NETLINK_ROUTE socket for one request and its replies. Opened per request: a
 * configuration change is rare, and a private socket can receive nothing but answers to its own
 * request, needs no lock and cannot leak between callers.
 */
final class NetlinkSocket implements AutoCloseable {

    static final int AF_NETLINK = 16;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int SOL_NETLINK = 270;
    static final int NETLINK_CAP_ACK = 10;
    static final int NETLINK_EXT_ACK = 11;
    static final int MSG_TRUNC = 0x20;
    /** Replies here are one link (stats skipped) or one ack: far below this. */
    static final int RECEIVE_BUFFER = 32 * 1024;
    static final int TIMEOUT_SECONDS = 5;
    /** {@code struct sockaddr_nl} of the kernel: family AF_NETLINK, pid 0, groups 0. */
    private static final byte[] KERNEL = sockaddrNl();

    private final int fd;
    private final Memory buffer = new Memory(RECEIVE_BUFFER);

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    static NetlinkSocket open() throws IOException {
        int fd = LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0) {
            int errno = Native.getLastError();
            String hint = Errno.generalHint(errno);
            throw new IOException("netlink socket: " + Errno.describe(errno)
                    + (hint.isEmpty() ? "" : "; " + hint));
        }
        NetlinkSocket s = new NetlinkSocket(fd);
        try {
            // Best effort: kernels before 4.12 lack them; errors then carry no kernel text.
            s.setOption(SOL_NETLINK, NETLINK_EXT_ACK, intBytes(1));
            s.setOption(SOL_NETLINK, NETLINK_CAP_ACK, intBytes(1));
            // A reply that never comes must not hang configuration forever.
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            tv.putLong(0, TIMEOUT_SECONDS).putLong(8, 0);
            if (!s.setOption(SOL_SOCKET, SO_RCVTIMEO, tv.array())) {
                throw new IOException("netlink SO_RCVTIMEO: "
                        + Errno.describe(Native.getLastError()));
            }
            if (LibC.bind(fd, KERNEL, KERNEL.length) < 0) {
                throw new IOException("netlink bind: " + Errno.describe(Native.getLastError()));
            }
            return s;
        } catch (IOException | RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    private boolean setOption(int level, int option, byte[] value) {
        return LibC.setsockopt(fd, level, option, value, value.length) == 0;
    }

    void send(byte[] message) throws IOException {
        for (;;) {
            long n = LibC.sendto(fd, message, message.length, 0, KERNEL, KERNEL.length);
            if (n == message.length) {
                return;
            }
            int errno = n < 0 ? Native.getLastError() : 0;
            if (errno != Errno.EINTR) {
                throw new IOException("netlink send: " + (n < 0 ? Errno.describe(errno)
                        : "sent " + n + " of " + message.length + " bytes"));
            }
        }
    }

    /** The next datagram, valid until the next receive or close. */
    ByteBuffer receive() throws IOException {
        for (;;) {
            // MSG_TRUNC makes recv return the real datagram length even if it did not fit.
            long n = LibC.recv(fd, buffer, RECEIVE_BUFFER, MSG_TRUNC);
            if (n > RECEIVE_BUFFER) {
                throw new IOException("netlink reply of " + n + " bytes exceeds the "
                        + RECEIVE_BUFFER + "-byte buffer");
            }
            if (n >= 0) {
                return buffer.getByteBuffer(0, n).order(ByteOrder.nativeOrder());
            }
            int errno = Native.getLastError();
            if (errno == Errno.EAGAIN) {
                throw new IOException("netlink: the kernel did not answer within "
                        + TIMEOUT_SECONDS + " s");
            }
            if (errno != Errno.EINTR) {
                throw new IOException("netlink receive: " + Errno.describe(errno));
            }
        }
    }

    @Override
    public void close() {
        LibC.close(fd);
        buffer.close();
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static byte[] sockaddrNl() {
        return ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort(0, (short) AF_NETLINK).array();
    }
}
