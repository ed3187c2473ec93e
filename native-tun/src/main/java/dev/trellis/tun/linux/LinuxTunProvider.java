package dev.trellis.tun.linux;

import dev.trellis.tun.InterfaceConfigurator;
import dev.trellis.tun.TunDevice;
import dev.trellis.tun.TunProvider;
import java.io.IOException;
import java.util.Optional;

/**
 * The Linux {@link TunProvider}: TUN devices from {@code /dev/net/tun}, configuration through
 * rtnetlink. Found by {@link java.util.ServiceLoader}; use it through {@code dev.trellis.tun.Tun}.
 * Constructing it loads no native code; {@link #unavailabilityCause()} and the first device do.
 */
public final class LinuxTunProvider implements TunProvider {

    public LinuxTunProvider() {
    }

    @Override
    public String platform() {
        return "linux";
    }

    @Override
    public Optional<String> unavailabilityCause() {
        return LinuxProbe.cause(LinuxProbe.Environment.current());
    }

    @Override
    public TunDevice open(String name) throws IOException {
        return LinuxTun.open(name);
    }

    @Override
    public InterfaceConfigurator configurator() {
        return LinuxNetlink.INSTANCE;
    }
}
