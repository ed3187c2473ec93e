package dev.trellis.tun;

import java.io.IOException;
import java.util.Optional;

/**
 * One operating system's TUN support: the seam {@link Tun} chooses through at run time. Providers
 * are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.trellis.tun.TunProvider}), so this package never names an
 * implementation and the implementation packages depend on this one, not the reverse.
 *
 * <p>Implemented today by {@code dev.trellis.tun.linux.LinuxTunProvider}. Planned: {@code darwin}
 * over utun (a {@code PF_SYSTEM} control socket that prefixes every packet with a 4-byte address
 * family, which the device must strip and add) and {@code windows} over wintun (a ring-buffer
 * DLL). Tests may implement this interface with in-memory fakes.
 *
 * <p>Constructing a provider must be cheap and must not load native code: it happens on every
 * OS, and only the provider for the running OS is then probed.
 */
public interface TunProvider {

    /** The platform this provider serves: {@code "linux"}, {@code "darwin"} or {@code "windows"}. */
    String platform();

    /**
     * Why this provider cannot work in this process (e.g. no {@code /dev/net/tun}, no privilege,
     * native library failing to load), or empty if it can. Called once, by {@link Tun}.
     */
    Optional<String> unavailabilityCause();

    /**
     * Opens (creating if needed) a layer-3 TUN device. {@code name} may be null or empty to let
     * the OS choose; the chosen name is {@link TunDevice#name()}.
     */
    TunDevice open(String name) throws IOException;

    /** The interface configurator of this platform; stateless and shareable. */
    InterfaceConfigurator configurator();
}
