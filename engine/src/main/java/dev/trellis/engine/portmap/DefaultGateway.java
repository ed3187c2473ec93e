package dev.trellis.engine.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The IPv4 default route's gateway, from Linux's {@code /proc/net/route}: the up route with
 * destination and mask 0 and a gateway (flags RTF_UP | RTF_GATEWAY) of the lowest metric.
 * Addresses there are the kernel's 32-bit words in hex, in host (little-endian) byte order.
 */
public final class DefaultGateway {
    public static final Path PROC_NET_ROUTE = Path.of("/proc/net/route");
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private DefaultGateway() {}

    /** Reads {@link #PROC_NET_ROUTE} at every call; empty when there is no such route or no file. */
    public static Supplier<Optional<InetAddress>> fromProc() {
        return () -> {
            try {
                return parse(Files.readString(PROC_NET_ROUTE));
            } catch (IOException e) {
                return Optional.empty();
            }
        };
    }

    /** The gateway of the best IPv4 default route in a {@code /proc/net/route} text; lines it cannot read are skipped. */
    public static Optional<InetAddress> parse(String procNetRoute) {
        InetAddress best = null;
        long bestMetric = Long.MAX_VALUE;
        String[] lines = procNetRoute.split("\n");
        for (int i = 1; i < lines.length; i++) { // line 0 is the column header
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                long destination = Long.parseLong(f[1], 16);
                long gateway = Long.parseLong(f[2], 16);
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                long mask = Long.parseLong(f[7], 16);
                boolean usable = (flags & (RTF_UP | RTF_GATEWAY)) == (RTF_UP | RTF_GATEWAY);
                if (destination == 0 && mask == 0 && gateway != 0 && usable && metric < bestMetric) {
                    best = NatPmp.address(new byte[] {(byte) gateway, (byte) (gateway >> 8), (byte) (gateway >> 16),
                            (byte) (gateway >> 24)});
                    bestMetric = metric;
                }
            } catch (NumberFormatException e) {
                // not a route line
            }
        }
        return Optional.ofNullable(best);
    }
}
