package dev.trellis.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The libc calls this package makes, bound with JNA direct mapping ({@link Native#register}):
 * a direct call costs about as much as a JNI call, with no proxy, no reflection and no argument
 * boxing, which matters for the per-packet {@code read}, {@code write} and {@code poll}.
 *
 * <p>Invariants of these bindings:
 * <ul>
 *   <li>Hot calls take memory as a raw {@code long} address, never a {@code Buffer}: direct
 *       mapping passes a Buffer's <em>base</em> address and ignores its position, and a
 *       {@code Pointer} would be an allocation per call. {@code long} has the width of a pointer
 *       and of {@code size_t}/{@code ssize_t} on the 64-bit Linux targets {@link LinuxProbe}
 *       admits.</li>
 *   <li>No method declares {@code LastErrorException}: that would allocate an exception (with a
 *       stack trace) on every {@code EAGAIN}. Callers read {@link Native#getLastError()}, which
 *       JNA saves natively right after each call, and only after a call has failed.</li>
 *   <li>{@code open} and {@code ioctl} are variadic in C; calling them with fixed integer and
 *       pointer arguments is safe on the x86-64, AArch64 and RISC-V Linux ABIs.</li>
 * </ul>
 * Loading this class registers the natives; {@link LinuxProbe} loads it to find out whether JNA
 * works at all.
 */
final class LibC {

    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    // Hot path: one call per packet.

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);

    static native int poll(long fds, long nfds, int timeoutMillis);

    // Setup and configuration.

    static native int open(String path, int flags);

    static native int close(int fd);

    static native int ioctl(int fd, long request, Pointer arg);

    static native int eventfd(int initialValue, int flags);

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, byte[] addr, int addrLength);

    static native int setsockopt(int fd, int level, int option, byte[] value, int valueLength);

    static native long sendto(int fd, byte[] buf, long length, int flags, byte[] addr,
            int addrLength);

    static native long recv(int fd, Pointer buf, long length, int flags);
}
