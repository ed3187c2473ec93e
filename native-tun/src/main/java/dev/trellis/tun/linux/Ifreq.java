package dev.trellis.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The Linux {@code struct ifreq} used by the TUN and socket ioctls: a 16-byte NUL-terminated
 * interface name followed by a 24-byte union ({@code short ifr_flags} for {@code TUNSETIFF},
 * {@code int ifr_mtu} for {@code SIOCGIFMTU}), 40 bytes in all on 64-bit Linux. Pure Java, so the
 * layout is tested without root.
 */
final class Ifreq {

    static final int SIZE = 40;
    /** {@code IFNAMSIZ}: the name field, including its terminating NUL. */
    static final int NAME_SIZE = 16;
    /** Where the union starts. */
    static final int UNION_OFFSET = 16;

    private Ifreq() {
    }

    /**
     * Rejects names the kernel would refuse ({@code dev_valid_name}): longer than 15 bytes,
     * {@code "."} or {@code ".."}, or containing {@code '/'}, {@code ':'}, whitespace or non-ASCII.
     * Null or empty is allowed by the TUN driver (it picks a name) but not by {@code checkName}
     * callers that need an existing interface; {@code allowEmpty} says which.
     */
    static void checkName(String name, boolean allowEmpty) {
        if (name == null || name.isEmpty()) {
            if (allowEmpty) {
                return;
            }
            throw new IllegalArgumentException("interface name is empty");
        }
        if (name.length() >= NAME_SIZE) {
            throw new IllegalArgumentException("interface name '" + name + "' is longer than "
                    + (NAME_SIZE - 1) + " characters");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("interface name '" + name + "' is not allowed");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new IllegalArgumentException("interface name '" + name
                        + "' contains a character Linux does not allow in interface names: '"
                        + c + "' at " + i);
            }
        }
    }

    /** An ifreq carrying {@code name} (may be null or empty) and {@code flags} in ifr_flags. */
    static byte[] withFlags(String name, short flags) {
        byte[] req = withName(name);
        order(req).putShort(UNION_OFFSET, flags);
        return req;
    }

    /** An ifreq carrying {@code name} (may be null or empty) and a zeroed union. */
    static byte[] withName(String name) {
        checkName(name, true);
        byte[] req = new byte[SIZE];
        if (name != null) {
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, req, 0, n.length);
        }
        return req;
    }

    /** The name in an ifreq, up to its NUL (the kernel always terminates it). */
    static String name(byte[] req) {
        int end = 0;
        while (end < NAME_SIZE && req[end] != 0) {
            end++;
        }
        return new String(req, 0, end, StandardCharsets.US_ASCII);
    }

    /** {@code ifr_mtu} / {@code ifr_ifindex}: the int at the start of the union. */
    static int unionInt(byte[] req) {
        return order(req).getInt(UNION_OFFSET);
    }

    /** {@code ifr_flags}: the short at the start of the union. */
    static short unionShort(byte[] req) {
        return order(req).getShort(UNION_OFFSET);
    }

    private static ByteBuffer order(byte[] req) {
        return ByteBuffer.wrap(req).order(ByteOrder.nativeOrder());
    }
}
