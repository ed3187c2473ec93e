package dev.trellis.engine.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.net.IpPrefix;
import dev.trellis.tun.InterfaceConfigurator;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {
    /** Records the calls; fails the ones named in {@code failing}. */
    static final class RecordingConfigurator implements InterfaceConfigurator {
        final List<String> calls = new ArrayList<>();
        final List<String> failing = new ArrayList<>();

        private void call(String what) throws IOException {
            calls.add(what);
            for (String f : failing) {
                if (what.contains(f)) {
                    throw new IOException("netlink request on tun: Operation not permitted (EPERM)");
                }
            }
        }

        @Override
        public int index(String ifname) {
            return 1;
        }

        @Override
        public void setMtu(String ifname, int mtu) throws IOException {
            call("mtu " + mtu);
        }

        @Override
        public void setUp(String ifname, boolean up) throws IOException {
            call("up " + up);
        }

        @Override
        public void addAddress(String ifname, InetAddress address, int prefixLength) throws IOException {
            call("+addr " + address.getHostAddress() + "/" + prefixLength);
        }

        @Override
        public void removeAddress(String ifname, InetAddress address, int prefixLength) throws IOException {
            call("-addr " + address.getHostAddress() + "/" + prefixLength);
        }

        @Override
        public void addRoute(String ifname, IpPrefix destination) throws IOException {
            call("+route " + destination);
        }

        @Override
        public void removeRoute(String ifname, IpPrefix destination) throws IOException {
            call("-route " + destination);
        }

        @Override
        public void deleteLink(String ifname) throws IOException {
            call("delete");
        }
    }

    private static Router.Config config(List<String> addresses, List<String> routes) {
        return new Router.Config(addresses.stream().map(IpPrefix::parse).toList(),
                routes.stream().map(IpPrefix::parse).toList());
    }

    @Test
    void appliesOnlyTheDifference() throws IOException {
        RecordingConfigurator os = new RecordingConfigurator();
        Router r = new Router(os, "tun");
        r.apply(config(List.of("100.64.0.1/32", "fd7a:115c:a1e0::1/128"), List.of("100.64.0.0/10")));
        assertThat(os.calls).containsExactly("+addr 100.64.0.1/32", "+addr fd7a:115c:a1e0:0:0:0:0:1/128",
                "+route 100.64.0.0/10");
        os.calls.clear();
        r.apply(config(List.of("100.64.0.2/32", "fd7a:115c:a1e0::1/128"), List.of("100.64.0.0/10")));
        assertThat(os.calls).containsExactly("-addr 100.64.0.1/32", "+addr 100.64.0.2/32");
        os.calls.clear();
        r.apply(Router.Config.EMPTY);
        assertThat(os.calls.getFirst()).isEqualTo("-route 100.64.0.0/10");
        assertThat(os.calls).containsExactlyInAnyOrder("-route 100.64.0.0/10", "-addr 100.64.0.2/32",
                "-addr fd7a:115c:a1e0:0:0:0:0:1/128");
    }

    @Test
    void aFailedStepIsRetriedByTheNextApply() throws IOException {
        RecordingConfigurator os = new RecordingConfigurator();
        os.failing.add("+route");
        Router r = new Router(os, "tun");
        Router.Config want = config(List.of("100.64.0.1/32"), List.of("100.64.0.0/10"));
        assertThatThrownBy(() -> r.apply(want)).hasMessageContaining("add route 100.64.0.0/10")
                .hasMessageContaining("EPERM");
        os.failing.clear();
        os.calls.clear();
        r.apply(want);
        assertThat(os.calls).containsExactly("+route 100.64.0.0/10");
    }
}
