package dev.trellis.engine.uapi;

import static dev.trellis.engine.uapi.HostTools.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code wg} tool against {@link UapiServer} and a {@link RecordingDevice}. */
@Tag("root")
@Timeout(120)
class WgToolTest {
    final NodePrivateKey privateKey = NodePrivateKey.generate();
    final NodePublicKey peer = NodePrivateKey.generate().publicKey();
    final NodePublicKey peer2 = NodePrivateKey.generate().publicKey();
    final PresharedKey psk = PresharedKey.generate();
    final RecordingDevice device = new RecordingDevice();

    @TempDir
    Path dir;
    String iface;
    Path privateKeyFile;
    Path pskFile;
    UapiServer server;

    @BeforeEach
    void start() throws Exception {
        HostTools.requireRootAnd("wg");
        iface = HostTools.interfaceName("trtu");
        privateKeyFile = secret("private.key", privateKey.toBase64());
        pskFile = secret("psk.key", psk.toBase64());
        server = UapiServer.start(iface, device);
        assertThat(server.socketPath()).isEqualTo(Path.of("/var/run/wireguard", iface + ".sock"));
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
            assertThat(server.socketPath()).doesNotExist();
        }
    }

    private Path secret(String name, String text) throws IOException {
        Path p = Files.createFile(dir.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(p, text + "\n");
    }

    private void wgSetAsInTheBrief() throws Exception {
        run("wg", "set", iface, "private-key", privateKeyFile.toString(), "listen-port", "51999",
                "peer", peer.toBase64(), "allowed-ips", "100.64.0.2/32,fd7a:115c:a1e0::2/128",
                "endpoint", "198.18.0.2:51820", "persistent-keepalive", "25", "preshared-key", pskFile.toString()).ok();
    }

    @Test
    void wgSetReachesTheDeviceAndShowsBack() throws Exception {
        wgSetAsInTheBrief();

        DeviceUpdate update = device.updates().getLast();
        assertThat(update.privateKey()).contains(privateKey);
        assertThat(update.listenPort()).hasValue(51999);
        assertThat(update.replacePeers()).isFalse();
        PeerUpdate p = update.peers().getFirst();
        assertThat(p.publicKey()).isEqualTo(peer);
        assertThat(p.presharedKey()).contains(psk);
        assertThat(p.persistentKeepalive()).hasValue(25);
        assertThat(p.allowedIps()).containsExactly(IpPrefix.parse("100.64.0.2/32"),
                IpPrefix.parse("fd7a:115c:a1e0::2/128"));

        assertThat(run("wg", "show", iface).ok().out()).isEqualTo("""
                interface: %s
                  public key: %s
                  private key: (hidden)
                  listening port: 51999

                peer: %s
                  preshared key: (hidden)
                  endpoint: 198.18.0.2:51820
                  allowed ips: 100.64.0.2/32, fd7a:115c:a1e0::2/128
                  persistent keepalive: every 25 seconds
                """.formatted(iface, privateKey.publicKey().toBase64(), peer.toBase64()));
        assertThat(run("wg", "show", iface, "dump").ok().out()).isEqualTo(
                privateKey.toBase64() + "\t" + privateKey.publicKey().toBase64() + "\t51999\toff\n"
                + peer.toBase64() + "\t" + psk.toBase64()
                + "\t198.18.0.2:51820\t100.64.0.2/32,fd7a:115c:a1e0::2/128\t0\t0\t0\t25\n");
        assertThat(run("wg", "showconf", iface).ok().out()).isEqualTo("""
                [Interface]
                ListenPort = 51999
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 100.64.0.2/32, fd7a:115c:a1e0::2/128
                Endpoint = 198.18.0.2:51820
                PersistentKeepalive = 25
                """.formatted(privateKey.toBase64(), peer.toBase64(), psk.toBase64()));
    }

    @Test
    void setconfReplacesTheWholeConfiguration() throws Exception {
        wgSetAsInTheBrief();
        String conf = """
                [Interface]
                ListenPort = 51820
                FwMark = 0x1234
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.1.2.3/8, 2001:db8:0:0:1:0:0:1/128, ::/0
                Endpoint = [2001:db8::7]:51821

                """.formatted(privateKey.toBase64(), peer2.toBase64());
        Path file = secret("wg.conf", conf);
        run("wg", "setconf", iface, file.toString()).ok();

        assertThat(device.updates().getLast().replacePeers()).isTrue();
        assertThat(run("wg", "showconf", iface).ok().out()).isEqualTo("""
                [Interface]
                ListenPort = 51820
                FwMark = 0x1234
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.0/8, 2001:db8::1:0:0:1/128, ::/0
                Endpoint = [2001:db8::7]:51821
                """.formatted(privateKey.toBase64(), peer2.toBase64()));
    }

    @Test
    void removingAPeer() throws Exception {
        wgSetAsInTheBrief();
        run("wg", "set", iface, "peer", peer.toBase64(), "remove").ok();
        assertThat(device.updates().getLast().peers().getFirst().remove()).isTrue();
        assertThat(run("wg", "show", iface, "peers").ok().out()).isEmpty();
        assertThat(run("wg", "show", iface, "listen-port").ok().out()).isEqualTo("51999\n");
    }

    @Test
    void countersAndHandshakeTimes() throws Exception {
        wgSetAsInTheBrief();
        device.recordTraffic(peer, 2_000, 1_000);
        device.recordHandshake(peer, Instant.ofEpochSecond(1_700_000_000L, 5));
        assertThat(run("wg", "show", iface, "latest-handshakes").ok().out())
                .isEqualTo(peer.toBase64() + "\t1700000000\n");
        assertThat(run("wg", "show", iface, "transfer").ok().out()).isEqualTo(peer.toBase64() + "\t2000\t1000\n");
        assertThat(run("wg", "show", iface).ok().out())
                .containsPattern("\n  latest handshake: .* ago\n")
                .contains("\n  transfer: 1.95 KiB received, 1000 B sent\n");
    }

    @Test
    void refusalsReachWgAsErrnoMessages() throws Exception {
        wgSetAsInTheBrief();
        int before = device.updates().size();
        HostTools.Result zone = run("wg", "set", iface, "peer", peer.toBase64(), "endpoint", "[fe80::1%lo]:51820");
        assertThat(zone.exit()).isEqualTo(1);
        assertThat(zone.err()).contains("Unable to modify interface: Invalid argument");
        assertThat(device.updates()).hasSize(before); // refused by the parser: the device saw nothing

        device.failNextApply(new ConfigException(ConfigException.EADDRINUSE, "port taken"));
        HostTools.Result taken = run("wg", "set", iface, "listen-port", "1");
        assertThat(taken.exit()).isEqualTo(1);
        assertThat(taken.err()).contains("Unable to modify interface: Address already in use");
        assertThat(run("wg", "show", iface, "listen-port").ok().out()).isEqualTo("51999\n");
    }

    @Test
    void oneServerPerInterface() throws Exception {
        assertThatThrownBy(() -> UapiServer.start(iface, new RecordingDevice()))
                .hasMessage("interface " + iface + " is already in use");
        assertThat(run("wg", "show", iface, "private-key").ok().out()).isEqualTo("(none)\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socketPath())))
                .isEqualTo("rw-------");
        server.close();
        assertThat(run("wg", "show", iface).exit()).isNotZero();
        server = null;
    }

    @Test
    void theDeviceIsLeftAloneWhenNothingChanges() throws Exception {
        run("wg", "show", iface).ok();
        run("wg", "showconf", iface).ok();
        assertThat(device.updates()).isEmpty();
        List<String> peers = List.of(run("wg", "show", iface, "peers").ok().out().split("\n"));
        assertThat(peers).containsExactly("");
    }
}
