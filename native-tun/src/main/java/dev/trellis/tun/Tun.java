package dev.trellis.tun;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The entry point: opens TUN devices and configures interfaces with the implementation for the
 * running OS. The platform is probed once, on first use, and the outcome is kept: either a
 * provider, or the reason there is none (like netty's {@code Epoll.unavailabilityCause()}).
 */
public final class Tun {

    private Tun() {
    }

    /**
     * Opens a TUN device named {@code name} ({@code null} or empty: the OS picks one; on Linux a
     * {@code %d} in the name is replaced by the first free number).
     *
     * @throws IOException if TUN devices are unavailable here (the message says why) or the OS
     *     refuses the device
     */
    public static TunDevice open(String name) throws IOException {
        Probe p = Probe.RESULT;
        if (p.provider == null) {
            throw new IOException("cannot open a TUN device: " + p.cause);
        }
        return p.provider.open(name);
    }

    /**
     * The interface configurator of this platform.
     *
     * @throws IllegalStateException if TUN support is unavailable (the message says why)
     */
    public static InterfaceConfigurator configurator() {
        return provider().configurator();
    }

    /** Why TUN devices cannot be used here, or empty if they can. */
    public static Optional<String> unavailabilityCause() {
        return Optional.ofNullable(Probe.RESULT.cause);
    }

    /** Whether TUN devices can be used here. */
    public static boolean isAvailable() {
        return Probe.RESULT.provider != null;
    }

    /**
     * The provider chosen for this OS.
     *
     * @throws IllegalStateException if TUN support is unavailable (the message says why)
     */
    public static TunProvider provider() {
        Probe p = Probe.RESULT;
        if (p.provider == null) {
            throw new IllegalStateException("TUN support is unavailable: " + p.cause);
        }
        return p.provider;
    }

    /** The outcome of probing: exactly one of provider and cause is non-null. */
    record Probe(TunProvider provider, String cause) {

        // Holder idiom: the probe runs once, on first use, and its outcome is never revised.
        static final Probe RESULT = probe();

        private static Probe probe() {
            String os = System.getProperty("os.name", "");
            try {
                return select(os, ServiceLoader.load(TunProvider.class, Tun.class.getClassLoader())
                        .stream().map(ServiceLoader.Provider::get).toList());
            } catch (ServiceConfigurationError | LinkageError e) {
                return new Probe(null, "running on " + os + ", loading the TUN provider failed: "
                        + e);
            }
        }

        /** Picks the provider serving {@code osName} and asks it whether it can work. */
        static Probe select(String osName, List<TunProvider> providers) {
            String platform = platformOf(osName);
            if (platform == null) {
                return new Probe(null, "running on '" + osName
                        + "': TUN devices are supported on Linux only");
            }
            for (TunProvider p : providers) {
                if (p.platform().equals(platform)) {
                    Optional<String> cause;
                    try {
                        cause = p.unavailabilityCause();
                    } catch (RuntimeException | LinkageError e) {
                        // A probe must report, not throw; a broken one still yields a reason.
                        cause = Optional.of("probing " + platform + " TUN support failed: " + e);
                    }
                    return cause.isPresent() ? new Probe(null, cause.get()) : new Probe(p, null);
                }
            }
            return new Probe(null, switch (platform) {
                case "linux" -> "running on " + osName + " but no Linux TUN provider is on the"
                        + " class path: check that trellis-native-tun's"
                        + " META-INF/services/dev.trellis.tun.TunProvider survived repackaging";
                case "darwin" -> "running on " + osName
                        + ": macOS utun devices are not supported yet (Linux only for now)";
                default -> "running on " + osName
                        + ": Windows wintun devices are not supported yet (Linux only for now)";
            });
        }

        /** The provider platform for an {@code os.name} value, or null if none is planned. */
        static String platformOf(String osName) {
            String os = osName.toLowerCase(Locale.ROOT);
            if (os.startsWith("linux")) {
                return "linux";
            }
            if (os.startsWith("mac") || os.startsWith("darwin")) {
                return "darwin";
            }
            if (os.startsWith("windows")) {
                return "windows";
            }
            return null;
        }
    }
}
