package dev.trellis.engine.conn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux socket calls the JDK does not offer (sendmsg with UDP_SEGMENT, recvmmsg,
 * SO_MARK), bound through the FFM API. Constants are Linux x86-64/aarch64 values. Each call
 * captures errno in a per-thread segment so failures can be reported precisely.
 */
final class LinuxSockets {
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_MARK = 36;
    static final int SO_RCVTIMEO = 20;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;
    static final int MSG_WAITFORONE = 0x10000;
    static final int SHUT_RDWR = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int EIO = 5;
    static final int EADDRINUSE = 98;

    // struct layouts (LP64)
    static final int SOCKADDR_IN6 = 28;
    static final int IOVEC = 16;
    static final int MSGHDR = 56;
    static final int MMSGHDR = 64;
    static final int CMSG_HDR = 16;
    /** CMSG_SPACE(sizeof(int)): room for one UDP_SEGMENT or UDP_GRO control message. */
    static final int CMSG_SPACE_INT = 24;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<MemorySegment> ERRNO_STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE));

    private static final MethodHandle SOCKET = handle("socket", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle SETSOCKOPT = handle("setsockopt", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle BIND = handle("bind", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle GETSOCKNAME = handle("getsockname", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS);
    private static final MethodHandle SENDMSG = handle("sendmsg", ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    private static final MethodHandle RECVMMSG = handle("recvmmsg", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG);
    private static final MethodHandle SHUTDOWN = handle("shutdown", ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle CLOSE = handle("close", ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)),
                    ValueLayout.JAVA_INT));

    private LinuxSockets() {}

    private static MethodHandle handle(String name, ValueLayout ret, ValueLayout... args) {
        MemorySegment fn = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(fn, FunctionDescriptor.of(ret, args), Linker.Option.captureCallState("errno"));
    }

    static int errno() {
        return (int) ERRNO.get(ERRNO_STATE.get(), 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static IOException failure(String call, int errno) {
        String text = call + " failed: " + strerror(errno) + " (errno " + errno + ")";
        return errno == EADDRINUSE ? new java.net.BindException(text) : new IOException(text);
    }

    static int socket(int domain, int type, int proto) throws IOException {
        try {
            int r = (int) SOCKET.invokeExact(ERRNO_STATE.get(), domain, type, proto);
            if (r < 0) {
                throw failure("socket", errno());
            }
            return r;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int setsockoptInt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            int r = (int) SETSOCKOPT.invokeExact(ERRNO_STATE.get(), fd, level, name, v, 4);
            return r < 0 ? errno() : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets a receive timeout: a blocked receive returns EAGAIN after {@code millis}. */
    static int setReceiveTimeout(int fd, long millis) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tv = a.allocate(16, 8);
            tv.set(ValueLayout.JAVA_LONG, 0, millis / 1000);
            tv.set(ValueLayout.JAVA_LONG, 8, (millis % 1000) * 1000);
            int r = (int) SETSOCKOPT.invokeExact(ERRNO_STATE.get(), fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16);
            return r < 0 ? errno() : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void bind(int fd, MemorySegment sockaddr, int len) throws IOException {
        try {
            int r = (int) BIND.invokeExact(ERRNO_STATE.get(), fd, sockaddr, len);
            if (r < 0) {
                throw failure("bind", errno());
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int boundPort(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SOCKADDR_IN6);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN6);
            int r = (int) GETSOCKNAME.invokeExact(ERRNO_STATE.get(), fd, addr, len);
            if (r < 0) {
                throw failure("getsockname", errno());
            }
            return ((addr.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8) | (addr.get(ValueLayout.JAVA_BYTE, 3) & 0xff);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** sendmsg; returns bytes sent or -errno. */
    static long sendmsg(int fd, long msghdr, int flags) {
        try {
            long r = (long) SENDMSG.invokeExact(ERRNO_STATE.get(), fd, msghdr, flags);
            return r < 0 ? -errno() : r;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** recvmmsg; returns messages received or -errno. */
    static int recvmmsg(int fd, long msgvec, int vlen, int flags) {
        try {
            int r = (int) RECVMMSG.invokeExact(ERRNO_STATE.get(), fd, msgvec, vlen, flags, 0L);
            return r < 0 ? -errno() : r;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void shutdown(int fd) {
        try {
            int r = (int) SHUTDOWN.invokeExact(ERRNO_STATE.get(), fd, SHUT_RDWR);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void close(int fd) {
        try {
            int r = (int) CLOSE.invokeExact(ERRNO_STATE.get(), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
