package dev.trellis.desktop.ui;

import dev.trellis.protocol.net.IpLiterals;
import java.util.List;

/**
 * Addresses as people read and paste them: RFC 5952 text ({@code fd7a:115c:a1e0::1}, not the
 * JDK's {@code fd7a:115c:a1e0:0:0:0:0:1}, which is what the view model carries).
 */
final class Addresses {
    private Addresses() {}

    /** The canonical text of {@code address}, or {@code address} itself when it is not an IP literal. */
    static String canonical(String address) {
        if (address == null) {
            return null;
        }
        byte[] raw = IpLiterals.parseAddress(address);
        return raw == null ? address : IpLiterals.format(raw);
    }

    static List<String> canonical(List<String> addresses) {
        return addresses.stream().map(Addresses::canonical).toList();
    }
}
