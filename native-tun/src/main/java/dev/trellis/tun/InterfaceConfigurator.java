package dev.trellis.tun;

import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.net.InetAddress;

/**
 * Configures a network interface (usually the one behind a {@link TunDevice}) directly through
 * the OS, never by running a command. Obtain one from {@link Tun#configurator()}.
 *
 * <p>Every method is one synchronous request to the kernel and is safe to call from any thread.
 * Failures are {@link IOException}s whose message names the request, the interface, the OS error
 * text and symbol (e.g. {@code "netlink RTM_NEWADDR on trellis0: File exists (EEXIST)"}) and,
 * when known, what to do next.
 *
 * <p>Adding something that already exists fails (the OS reports it); removing something absent
 * fails as well. Callers that apply whole snapshots remove what is no longer wanted and add what
 * is new, rather than re-adding everything.
 */
public interface InterfaceConfigurator {

    /** The kernel's interface index for {@code ifname}; fails if there is no such interface. */
    int index(String ifname) throws IOException;

    /** Sets the interface MTU in bytes (IPv6 needs at least 1280). */
    void setMtu(String ifname, int mtu) throws IOException;

    /** Brings the interface administratively up or down. */
    void setUp(String ifname, boolean up) throws IOException;

    /**
     * Assigns {@code address} with {@code prefixLength} (e.g. 100.64.0.1 and 10), which also makes
     * the kernel route the enclosing prefix to the interface once it is up. Takes an address and
     * length rather than an {@link IpPrefix} because a prefix is masked and would lose the host
     * part. IPv6 addresses are added without duplicate address detection: a mesh address is
     * unique by construction and must not sit "tentative" for a second. Even so, Linux installs
     * an IPv6 address's local route from a work queue a few milliseconds after the address is
     * added to an up link (or the link comes up), and drops packets for it until then.
     */
    void addAddress(String ifname, InetAddress address, int prefixLength) throws IOException;

    /** Removes an address previously added with the same address and prefix length. */
    void removeAddress(String ifname, InetAddress address, int prefixLength) throws IOException;

    /**
     * Routes {@code destination} to the interface (no gateway: a point-to-point route in the main
     * table, marked as a static route).
     */
    void addRoute(String ifname, IpPrefix destination) throws IOException;

    /** Removes the route to {@code destination} through the interface, whoever added it. */
    void removeRoute(String ifname, IpPrefix destination) throws IOException;

    /**
     * Deletes the interface. A TUN interface also disappears by itself when its device is closed,
     * so this is for cleaning up after a crash or a persistent device.
     */
    void deleteLink(String ifname) throws IOException;
}
