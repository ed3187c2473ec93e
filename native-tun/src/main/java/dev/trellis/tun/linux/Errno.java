package dev.trellis.tun.linux;

import java.util.Map;

/**
 * Linux errno values that TUN and rtnetlink calls can return, with the glibc message text. Kept in
 * Java (rather than calling {@code strerror}) so that messages are the same in unit tests without
 * native code, and so building an error message never calls into libc and clobbers errno.
 */
final class Errno {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EBADFD = 77;
    static final int EADDRNOTAVAIL = 99;

    private record Entry(String symbol, String text) {
    }

    private static final Map<Integer, Entry> TABLE = Map.ofEntries(
            Map.entry(EPERM, new Entry("EPERM", "Operation not permitted")),
            Map.entry(ENOENT, new Entry("ENOENT", "No such file or directory")),
            Map.entry(ESRCH, new Entry("ESRCH", "No such process")),
            Map.entry(EINTR, new Entry("EINTR", "Interrupted system call")),
            Map.entry(5, new Entry("EIO", "Input/output error")),
            Map.entry(6, new Entry("ENXIO", "No such device or address")),
            Map.entry(EBADF, new Entry("EBADF", "Bad file descriptor")),
            Map.entry(EAGAIN, new Entry("EAGAIN", "Resource temporarily unavailable")),
            Map.entry(12, new Entry("ENOMEM", "Cannot allocate memory")),
            Map.entry(EACCES, new Entry("EACCES", "Permission denied")),
            Map.entry(14, new Entry("EFAULT", "Bad address")),
            Map.entry(EBUSY, new Entry("EBUSY", "Device or resource busy")),
            Map.entry(EEXIST, new Entry("EEXIST", "File exists")),
            Map.entry(ENODEV, new Entry("ENODEV", "No such device")),
            Map.entry(EINVAL, new Entry("EINVAL", "Invalid argument")),
            Map.entry(23, new Entry("ENFILE", "Too many open files in system")),
            Map.entry(24, new Entry("EMFILE", "Too many open files")),
            Map.entry(25, new Entry("ENOTTY", "Inappropriate ioctl for device")),
            Map.entry(28, new Entry("ENOSPC", "No space left on device")),
            Map.entry(34, new Entry("ERANGE", "Numerical result out of range")),
            Map.entry(38, new Entry("ENOSYS", "Function not implemented")),
            Map.entry(61, new Entry("ENODATA", "No data available")),
            Map.entry(EBADFD, new Entry("EBADFD", "File descriptor in bad state")),
            Map.entry(90, new Entry("EMSGSIZE", "Message too long")),
            Map.entry(93, new Entry("EPROTONOSUPPORT", "Protocol not supported")),
            Map.entry(95, new Entry("EOPNOTSUPP", "Operation not supported")),
            Map.entry(97, new Entry("EAFNOSUPPORT", "Address family not supported by protocol")),
            Map.entry(98, new Entry("EADDRINUSE", "Address already in use")),
            Map.entry(EADDRNOTAVAIL, new Entry("EADDRNOTAVAIL", "Cannot assign requested address")),
            Map.entry(100, new Entry("ENETDOWN", "Network is down")),
            Map.entry(101, new Entry("ENETUNREACH", "Network is unreachable")),
            Map.entry(105, new Entry("ENOBUFS", "No buffer space available")),
            Map.entry(110, new Entry("ETIMEDOUT", "Connection timed out")),
            Map.entry(113, new Entry("EHOSTUNREACH", "No route to host")));

    private Errno() {
    }

    /** {@code "File exists (EEXIST)"}; unknown values read {@code "error 4242 (errno 4242)"}. */
    static String describe(int errno) {
        Entry e = TABLE.get(errno);
        return e == null ? "error " + errno + " (errno " + errno + ")"
                : e.text + " (" + e.symbol + ")";
    }

    /** {@code "EEXIST"}, or {@code "errno 4242"} for values not in the table. */
    static String symbol(int errno) {
        Entry e = TABLE.get(errno);
        return e == null ? "errno " + errno : e.symbol;
    }

    /** Advice that applies whatever the call was, or empty. */
    static String generalHint(int errno) {
        return switch (errno) {
            case EPERM, EACCES -> "run as root or grant CAP_NET_ADMIN"
                    + " (e.g. setcap cap_net_admin+ep on the java binary)";
            case ENODEV -> "no interface has that name; was its TUN device closed or deleted?";
            default -> "";
        };
    }
}
