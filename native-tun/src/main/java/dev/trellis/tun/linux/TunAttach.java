package dev.trellis.tun.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Opens {@code /dev/net/tun} and attaches it to an interface for {@link LinuxTun}: with
 * offloads ({@code IFF_VNET_HDR}, a 10-byte {@link VirtioNetHdr}, {@code TUNSETOFFLOAD}
 * checksum and TSO4/TSO6) unless {@value #OFFLOAD_ENV} is 0 or the kernel refuses them, in which
 * case it transparently reopens plain. Also explains failures in words.
 */
final class TunAttach {

    static final short IFF_VNET_HDR = 0x4000;
    /** {@code _IOW('T', 208, unsigned int)}; the argument is the flags value itself. */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** {@code _IOW('T', 216, int)}; the argument points to the size. */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;
    /** The environment variable that turns offloads off when set to 0. */
    static final String OFFLOAD_ENV = "TRELLIS_TUN_OFFLOAD";
    private static final System.Logger LOG = System.getLogger("trellis.tun");

    private TunAttach() {
    }

    /** Opens with offloads unless {@value #OFFLOAD_ENV} is 0. */
    static LinuxTun open(String requestedName) throws IOException {
        String env = System.getenv(OFFLOAD_ENV);
        return open(requestedName, env == null || !env.strip().equals("0"));
    }

    /** Opens with offloads if {@code offloads} and the kernel agrees, else plain. */
    static LinuxTun open(String requestedName, boolean offloads) throws IOException {
        Ifreq.checkName(requestedName, true);
        if (offloads) {
            LinuxTun tun = attach(requestedName, true);
            if (tun != null) {
                return tun;
            }
        }
        return attach(requestedName, false);
    }

    /**
     * Attaches a TUN device; with {@code vnet}, returns null (the descriptor closed, so the
     * non-persistent interface is gone again) if the kernel refuses the offloads.
     */
    private static LinuxTun attach(String requestedName, boolean vnet) throws IOException {
        int fd = LibC.open(LinuxTun.DEVICE,
                LinuxTun.O_RDWR | LinuxTun.O_CLOEXEC | LinuxTun.O_NONBLOCK);
        if (fd < 0) {
            throw openFailure(Native.getLastError());
        }
        try (Memory ifreq = new Memory(Ifreq.SIZE)) {
            short flags = (short) (LinuxTun.IFF_TUN | LinuxTun.IFF_NO_PI
                    | (vnet ? IFF_VNET_HDR : 0));
            byte[] req = Ifreq.withFlags(requestedName, flags);
            ifreq.write(0, req, 0, req.length);
            if (LibC.ioctl(fd, LinuxTun.TUNSETIFF, ifreq) < 0) {
                throw attachFailure(requestedName, Native.getLastError());
            }
            ifreq.read(0, req, 0, req.length);
            String name = Ifreq.name(req);
            if (vnet) {
                String refused = enableOffloads(fd, ifreq);
                if (refused != null) {
                    LOG.log(Level.DEBUG, () -> "TUN device " + name + ": offloads refused ("
                            + refused + "), reopening without them");
                    LibC.close(fd);
                    return null;
                }
            }
            int wakeFd = LibC.eventfd(0, LinuxTun.EFD_CLOEXEC | LinuxTun.EFD_NONBLOCK);
            if (wakeFd < 0) {
                throw new IOException("eventfd for TUN device " + name + ": "
                        + Errno.describe(Native.getLastError()));
            }
            try {
                return new LinuxTun(name, fd, wakeFd, vnet);
            } catch (RuntimeException | Error e) {
                LibC.close(wakeFd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** Sets the header size and the offloads; returns why the kernel refused, or null. */
    private static String enableOffloads(int fd, Memory scratch) {
        scratch.setInt(0, VirtioNetHdr.SIZE);
        if (LibC.ioctl(fd, TUNSETVNETHDRSZ, scratch) < 0) {
            return "TUNSETVNETHDRSZ: " + Errno.describe(Native.getLastError());
        }
        // The argument is the value, passed where the prototype has a pointer.
        Pointer value = new Pointer(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
        if (LibC.ioctl(fd, TUNSETOFFLOAD, value) < 0) {
            return "TUNSETOFFLOAD: " + Errno.describe(Native.getLastError());
        }
        return null;
    }

    static IOException openFailure(int errno) {
        String hint = switch (errno) {
            case Errno.ENOENT, Errno.ENODEV, 6 -> "the TUN driver is missing: load it with"
                    + " 'modprobe tun' (in a container, pass the device in, e.g."
                    + " --device /dev/net/tun)";
            default -> Errno.generalHint(errno);
        };
        return new IOException("open " + LinuxTun.DEVICE + ": " + Errno.describe(errno)
                + (hint.isEmpty() ? "" : "; " + hint));
    }

    static IOException attachFailure(String requested, int errno) {
        String shown = requested == null || requested.isEmpty() ? "(kernel-chosen name)"
                : requested;
        String hint = switch (errno) {
            case Errno.EBUSY -> "an interface of that name exists and another process has it"
                    + " open; choose another name";
            case Errno.EINVAL -> "an interface of that name exists and is not a TUN device, or"
                    + " the name is invalid; choose another name or delete it ('ip link del "
                    + shown + "')";
            default -> Errno.generalHint(errno);
        };
        return new IOException("TUNSETIFF " + shown + ": " + Errno.describe(errno)
                + (hint.isEmpty() ? "" : "; " + hint));
    }
}
