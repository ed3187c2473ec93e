package dev.trellis.desktop.model;

import java.time.Instant;
import java.util.List;

/**
 * This device, as the window's header and the tray's "This device" entry show it.
 *
 * @param dnsName full MagicDNS name without the final dot (null when unknown)
 * @param addresses tunnel addresses, IPv4 first
 * @param loginServer the coordinator's URL (null when unknown)
 * @param user the login name of who this device belongs to ("" when unknown)
 * @param keyExpiry when the node key expires (null: never or unknown)
 */
public record SelfView(String name, String dnsName, List<String> addresses, String loginServer, String user,
        String userDisplayName, String os, Instant keyExpiry) {

    public SelfView {
        addresses = List.copyOf(addresses);
    }

    /** The address to copy: the first IPv4 address, else the first, else null. */
    public String primaryAddress() {
        return addresses.isEmpty() ? null : addresses.getFirst();
    }
}
