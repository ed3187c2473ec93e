package dev.trellis.engine.uapi;

import static dev.trellis.engine.uapi.HostTools.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same commands against real wireguard-go and against {@link UapiServer} with a
 * {@link RecordingDevice} must read back the same. wireguard-go runs in a network namespace of
 * its own with its TUN device down, so it sends nothing; the UAPI socket directory is shared
 * across namespaces, so {@code wg} reaches both from here. Only peer order is normalised:
 * wireguard-go lists peers in Go map order.
 */
@Tag("root")
@Timeout(120)
class WireguardGoParityTest {
    final NodePrivateKey privateKey = NodePrivateKey.generate();
    final NodePublicKey peer = NodePrivateKey.generate().publicKey();
    final NodePublicKey peer2 = NodePrivateKey.generate().publicKey();
    final NodePublicKey peer3 = NodePrivateKey.generate().publicKey();
    final PresharedKey psk = PresharedKey.generate();

    @TempDir
    Path dir;
    String namespace;
    String goIface;
    String ourIface;
    Process wireguardGo;
    Path goLog;
    UapiServer server;

    @BeforeEach
    void start() throws Exception {
        HostTools.requireRootAnd("wg", "wireguard-go", "ip");
        long pid = ProcessHandle.current().pid();
        namespace = "trtu-ns-" + pid;
        goIface = HostTools.interfaceName("trtg");
        ourIface = HostTools.interfaceName("trtu");
        run("ip", "netns", "add", namespace).ok();
        goLog = dir.resolve("wireguard-go.log");
        wireguardGo = new ProcessBuilder("ip", "netns", "exec", namespace, "env", "WG_PROCESS_FOREGROUND=1",
                "LOG_LEVEL=verbose", "wireguard-go", goIface).redirectErrorStream(true)
                .redirectOutput(goLog.toFile()).start();
        Path goSocket = UapiServer.SOCKET_DIRECTORY.resolve(goIface + ".sock");
        HostTools.await("wireguard-go to serve " + goSocket, Duration.ofSeconds(15), () -> {
            if (!wireguardGo.isAlive()) {
                fail("wireguard-go exited with " + wireguardGo.exitValue() + ": " + readLog());
            }
            try {
                return Files.exists(goSocket) && SocketFile.isServed(goSocket);
            } catch (IOException e) {
                return false;
            }
        });
        server = UapiServer.start(ourIface, new RecordingDevice());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            try {
                if (wireguardGo != null) {
                    wireguardGo.destroy(); // SIGTERM: wireguard-go removes its socket and TUN
                    if (!wireguardGo.waitFor(10, TimeUnit.SECONDS)) {
                        wireguardGo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            } finally {
                Files.deleteIfExists(UapiServer.SOCKET_DIRECTORY.resolve(goIface + ".sock"));
                run("ip", "netns", "del", namespace);
            }
        }
    }

    private String readLog() {
        try {
            return Files.readString(goLog);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void onBoth(String... wgArgs) throws Exception {
        for (String iface : List.of(goIface, ourIface)) {
            String[] cmd = new String[wgArgs.length + 2];
            cmd[0] = "wg";
            cmd[1] = wgArgs[0];
            cmd[2] = iface;
            System.arraycopy(wgArgs, 1, cmd, 3, wgArgs.length - 1);
            run(cmd).ok();
        }
    }

    private void assertSameConfiguration() throws Exception {
        String go = run("wg", "showconf", goIface).ok().out();
        String ours = run("wg", "showconf", ourIface).ok().out();
        assertThat(sortedSections(ours, "\n[Peer]\n")).isEqualTo(sortedSections(go, "\n[Peer]\n"));
        // The raw replies too: address formatting and line order, which wg would hide.
        assertThat(sortedSections(rawGet(ourIface), "public_key="))
                .isEqualTo(sortedSections(rawGet(goIface), "public_key="));
    }

    private static String rawGet(String iface) throws IOException {
        try (UapiClient c = new UapiClient(UapiServer.SOCKET_DIRECTORY.resolve(iface + ".sock"))) {
            return c.request("get=1\n\n");
        }
    }

    /** The text before the first {@code marker}, then the sections it starts, sorted. */
    static List<String> sortedSections(String text, String marker) {
        List<String> parts = new ArrayList<>(Arrays.asList(text.split("(?=" + Pattern.quote(marker) + ")")));
        String head = parts.removeFirst();
        // The raw reply ends with errno=0: keep it apart from the last peer.
        List<String> sorted = new ArrayList<>();
        for (String part : parts) {
            sorted.add(part.replace("errno=0\n\n", ""));
        }
        sorted.sort(null);
        sorted.addFirst(head);
        return sorted;
    }

    private Path secret(String name, String text) throws IOException {
        Path p = Files.createFile(dir.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.writeString(p, text);
    }

    @Test
    void wgCommandsReadBackTheSame() throws Exception {
        Path key = secret("private.key", privateKey.toBase64() + "\n");
        Path pskFile = secret("psk.key", psk.toBase64() + "\n");
        // Not compared while empty: wireguard-go binds a random port at start, ours reports 0.
        onBoth("set", "private-key", key.toString(), "listen-port", "51999", "peer", peer.toBase64(),
                "allowed-ips", "100.64.0.2/32,fd7a:115c:a1e0::2/128", "endpoint", "198.18.0.2:51820",
                "persistent-keepalive", "25", "preshared-key", pskFile.toString());
        assertSameConfiguration();

        Path conf = secret("wg.conf", """
                [Interface]
                ListenPort = 51998
                FwMark = 0x1234
                PrivateKey = %s

                # No PresharedKey or PersistentKeepalive: replace_peers resets them to none.
                [Peer]
                PublicKey = %s
                AllowedIPs = 10.1.2.3/8, 2001:db8:0:0:1:0:0:1/128, ::ffff:192.0.2.1/128
                Endpoint = [::ffff:192.0.2.1]:51820

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                PersistentKeepalive = 10
                AllowedIPs = 0.0.0.0/0, ::/0
                Endpoint = [2001:DB8::7]:51821

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.2.0.0/16
                """.formatted(privateKey.toBase64(), peer.toBase64(), peer2.toBase64(), psk.toBase64(),
                peer3.toBase64()));
        onBoth("setconf", conf.toString());
        assertSameConfiguration();

        // An allowed IP moves to the peer that claims it last.
        onBoth("set", "peer", peer3.toBase64(), "allowed-ips", "10.2.0.0/16,100.64.0.2/32,0.0.0.0/0");
        assertSameConfiguration();

        onBoth("set", "fwmark", "off", "peer", peer.toBase64(), "remove");
        assertSameConfiguration();

        onBoth("set", "listen-port", "51997", "peer", peer2.toBase64(), "persistent-keepalive", "off",
                "allowed-ips", "");
        assertSameConfiguration();
    }

    @Test
    void rawRequestsGetTheSameReplies() throws Exception {
        String pub = peer.toHex();
        List<String> requests = List.of(
                // accepted, and read back with addresses in Go's format
                "set=1\nlisten_port=0051999\npublic_key=" + pub + "\nendpoint=[2001:DB8:0:0:0:0:0:1]:00051820\n"
                        + "allowed_ip=fd7a:115c:a1e0:0:0:0:0:2/128\nallowed_ip=::1.2.3.4/128\n"
                        + "allowed_ip=::ffff:1.2.3.4/128\nallowed_ip=10.9.8.7/32\nallowed_ip=10.9.8.7/32\n"
                        + "protocol_version=1\n\n",
                "set=1\nprivate_key=" + "ff".repeat(32) + "\n\n", // clamped on the way in
                "set=1\n\n",
                "get=1\n\n",
                // refused, each at its first line so that wireguard-go applies nothing either
                "set=1\nbogus=1\n\n",
                "set=1\ngarbage\n\n",
                "set=1\n=\n\n",
                "set=1\nlisten_port=65536\n\n",
                "set=1\nlisten_port=+1\n\n",
                "set=1\nfwmark=4294967296\n\n",
                "set=1\nreplace_peers=false\n\n",
                "set=1\nprivate_key=" + "0".repeat(63) + "\n\n",
                "set=1\nallowed_ip=10.0.0.0/8\n\n",
                "set=1\npublic_key=" + pub.substring(1) + "\n\n",
                "set=1\npublic_key=" + pub + "\nprotocol_version=2\n\n",
                "set=1\npublic_key=" + pub + "\nlisten_port=1\n\n",
                "set=1\npublic_key=" + pub + "\nendpoint=[198.18.0.2]:1\n\n",
                "set=1\npublic_key=" + pub + "\nendpoint=2001:db8::1:1\n\n",
                "set=1\npublic_key=" + pub + "\nendpoint=localhost:1\n\n",
                "set=1\npublic_key=" + pub + "\nallowed_ip=10.0.0.1\n\n",
                "set=1\npublic_key=" + pub + "\nallowed_ip=010.0.0.1/8\n\n",
                "set=1\npublic_key=" + pub + "\npersistent_keepalive_interval=65536\n\n",
                "set=1\npublic_key=" + pub + "\nremove=yes\n\n",
                "get=1\nx\n");
        for (String request : requests) {
            // One connection per request: wireguard-go's set reads ahead and loses what follows.
            assertThat(request(ourIface, request)).as(request).isEqualTo(request(goIface, request));
        }
        assertSameConfiguration();
    }

    private static String request(String iface, String text) throws IOException {
        try (UapiClient c = new UapiClient(UapiServer.SOCKET_DIRECTORY.resolve(iface + ".sock"))) {
            return c.request(text);
        }
    }
}
