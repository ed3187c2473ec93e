package dev.trellis.tun;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Shared setup for root tests: fails (never skips) without TUN support, gives each test unique
 * interface names, and closes and deletes everything a test created, by name.
 */
abstract class TunRootFixture {

    static final Duration DEADLINE = Duration.ofSeconds(10);
    static final InetAddress V4_LOCAL = address("198.18.77.1");
    static final InetAddress V4_PEER = address("198.18.77.2");
    static final InetAddress V6_LOCAL = address("fd7a:115c:a1e0::1");
    static final InetAddress V6_PEER = address("fd7a:115c:a1e0::2");
    static final int MTU = 1400;

    private static final AtomicInteger NEXT = new AtomicInteger();

    private final List<String> names = new ArrayList<>();
    private final List<TunDevice> devices = new ArrayList<>();
    InterfaceConfigurator config;

    @BeforeAll
    static void requireTunSupport() {
        assertThat(Tun.unavailabilityCause())
                .as("tests tagged 'root' need root and /dev/net/tun"
                        + " (set TRELLIS_SKIP_ROOT_TESTS=1 to leave them out)")
                .isEmpty();
    }

    /** A fresh name no other test (or concurrent build) uses: "trt", the pid and a counter. */
    String uniqueName() {
        String name = "trt" + ProcessHandle.current().pid() + "x" + NEXT.getAndIncrement();
        names.add(name);
        return name;
    }

    /** Deletes {@code name} after the test if it still exists. */
    void track(String name) {
        names.add(name);
    }

    TunDevice open() throws IOException {
        config = Tun.configurator();
        String name = uniqueName();
        TunDevice tun = Tun.open(name);
        devices.add(tun);
        assertThat(tun.name()).isEqualTo(name);
        return tun;
    }

    /**
     * A TUN with MTU 1400, 198.18.77.1/30 and fd7a:115c:a1e0::1/64, up, and ready to receive
     * IPv6: the kernel installs an IPv6 address's local route from a work queue shortly after
     * the link goes up (even without DAD), and until then drops packets to it (Ip6InAddrErrors).
     */
    TunDevice openConfigured() throws Exception {
        TunDevice tun = open();
        String n = tun.name();
        config.setMtu(n, MTU);
        config.addAddress(n, V4_LOCAL, 30);
        config.addAddress(n, V6_LOCAL, 64);
        config.setUp(n, true);
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (IpCommand.json("-6", "route", "show", "table", "local", "dev", n).stream()
                .noneMatch(r -> "fd7a:115c:a1e0::1".equals(r.get("dst")))) {
            assertThat(System.nanoTime()).as("IPv6 local route within %s", DEADLINE)
                    .isLessThan(end);
            Thread.sleep(1);
        }
        return tun;
    }

    @AfterEach
    void closeAndDelete() throws Exception {
        for (TunDevice d : devices) {
            try {
                d.close();
            } catch (IOException e) {
                // The interface may already be gone; deletion by name below is what matters.
            }
        }
        for (String n : names) {
            IpCommand.deleteLinkIfPresent(n);
            assertThat(IpCommand.linkExists(n)).as("interface %s left behind", n).isFalse();
        }
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // numeric literals: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
