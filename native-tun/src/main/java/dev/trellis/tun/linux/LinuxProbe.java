package dev.trellis.tun.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether Linux TUN support can work in this process, and if not, says why in terms a
 * user can act on. The decision ({@link #cause}) is a pure function of an {@link Environment},
 * so every message is unit-tested without root; {@link Environment#current()} gathers the real
 * inputs.
 */
final class LinuxProbe {

    /** {@code os.arch} values whose ioctl numbers, struct layouts and LP64 ABI match ours. */
    static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64", "riscv64");
    static final int CAP_NET_ADMIN = 12;

    /**
     * What the probe looks at.
     *
     * @param arch {@code os.arch}
     * @param nativeFailure why JNA or libc failed to load, or null if they loaded
     * @param tunExists whether {@code /dev/net/tun} exists
     * @param tunAccessible whether it can be opened for reading and writing
     * @param procStatus the text of {@code /proc/self/status}, or null if unreadable
     */
    record Environment(String arch, Throwable nativeFailure, boolean tunExists,
            boolean tunAccessible, String procStatus) {

        static Environment current() {
            Path tun = Path.of(LinuxTun.DEVICE);
            String status;
            try {
                status = Files.readString(Path.of("/proc/self/status"));
            } catch (IOException | RuntimeException e) {
                status = null;
            }
            String arch = System.getProperty("os.arch", "");
            // Only load native code on an architecture the bindings are written for.
            Throwable nativeFailure = ARCHITECTURES.contains(arch) ? loadNative() : null;
            return new Environment(arch, nativeFailure, Files.exists(tun),
                    Files.isReadable(tun) && Files.isWritable(tun), status);
        }

        private static Throwable loadNative() {
            try {
                Class.forName(LibC.class.getName(), true, LinuxProbe.class.getClassLoader());
                return null;
            } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
                return e;
            }
        }
    }

    private LinuxProbe() {
    }

    /** Every reason TUN support cannot work in {@code env}, joined; empty if it can. */
    static Optional<String> cause(Environment env) {
        List<String> reasons = new ArrayList<>();
        if (!ARCHITECTURES.contains(env.arch())) {
            reasons.add("CPU architecture '" + env.arch() + "' is not supported: the TUN"
                    + " bindings are written for 64-bit x86, ARM and RISC-V Linux");
        } else if (env.nativeFailure() != null) {
            reasons.add("JNA failed to load (" + describe(env.nativeFailure()) + "): put the"
                    + " JNA jar on the class path, make sure it can unpack its native library"
                    + " (java.io.tmpdir or jna.tmpdir writable and not mounted noexec) and run"
                    + " java with --enable-native-access=ALL-UNNAMED");
        }
        if (!env.tunExists()) {
            reasons.add(LinuxTun.DEVICE + " does not exist: load the TUN driver with"
                    + " 'modprobe tun' (in a container, pass the device in, e.g."
                    + " --device /dev/net/tun)");
        } else if (!env.tunAccessible()) {
            reasons.add(LinuxTun.DEVICE + " is not readable and writable by this user: run"
                    + " as root or grant access to the device");
        }
        if (!hasNetAdmin(env.procStatus()).orElse(true)) {
            reasons.add("the process lacks CAP_NET_ADMIN, needed to create and configure"
                    + " interfaces: run as root or grant CAP_NET_ADMIN (e.g. setcap"
                    + " cap_net_admin+ep on the java binary, or AmbientCapabilities= in a"
                    + " systemd unit)");
        }
        return reasons.isEmpty() ? Optional.empty()
                : Optional.of("Linux TUN support is unavailable: " + String.join("; ", reasons));
    }

    /**
     * Whether the effective capability set in a {@code /proc/<pid>/status} text includes
     * CAP_NET_ADMIN; empty when that cannot be told (no text, no or garbled CapEff line), in
     * which case the probe does not block and the kernel will have the last word.
     */
    static Optional<Boolean> hasNetAdmin(String procStatus) {
        if (procStatus == null) {
            return Optional.empty();
        }
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("CapEff:")) {
                String hex = line.substring("CapEff:".length()).strip().toLowerCase(Locale.ROOT);
                if (hex.isEmpty() || hex.length() > 16 || !hex.chars().allMatch(
                        c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                    return Optional.empty();
                }
                long caps = Long.parseUnsignedLong(hex, 16);
                return Optional.of((caps & (1L << CAP_NET_ADMIN)) != 0);
            }
        }
        return Optional.empty();
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getName()
                : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
