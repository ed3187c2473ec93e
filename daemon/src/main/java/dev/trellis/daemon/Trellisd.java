package dev.trellis.daemon;

import dev.trellis.daemon.backend.LocalBackend;
import dev.trellis.daemon.backend.WgEngine;
import dev.trellis.daemon.localapi.LocalApiServer;
import dev.trellis.daemon.state.StateDir;
import dev.trellis.daemon.state.StateStore;
import dev.trellis.engine.cmd.Logging;
import dev.trellis.engine.conn.Binds;
import dev.trellis.engine.controlclient.ControlClient;
import dev.trellis.engine.controlclient.HttpDialer;
import dev.trellis.engine.dns.MagicDns;
import dev.trellis.engine.dns.OsDnsConfigurators;
import dev.trellis.engine.filter.FilterCounters;
import dev.trellis.engine.filter.FlowTable;
import dev.trellis.engine.filter.PacketFilter;
import dev.trellis.engine.netcheck.Netcheck;
import dev.trellis.engine.netcheck.StunPort;
import dev.trellis.engine.netcheck.StunWaiters;
import dev.trellis.engine.paths.PathBind;
import dev.trellis.engine.paths.PathTiming;
import dev.trellis.engine.paths.RelayConnections;
import dev.trellis.engine.router.Router;
import dev.trellis.engine.tun.FilteringTun;
import dev.trellis.engine.uapi.UapiServer;
import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.Device;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.WgConstants;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.stun.StunMessage;
import dev.trellis.protocol.stun.TransactionId;
import dev.trellis.tun.InterfaceConfigurator;
import dev.trellis.tun.Tun;
import dev.trellis.tun.TunDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * {@code trellisd}: the node daemon. Owns the TUN interface and the WireGuard engine, keeps the
 * node's state, talks to the coordinator, and serves the LocalAPI. Runs until signalled.
 */
@Command(name = "trellisd", mixinStandardHelpOptions = true, versionProvider = Trellisd.Version.class,
        description = "The Trellis node daemon (runs as root).")
public final class Trellisd implements Callable<Integer> {
    static final int MTU = 1280;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/trellis",
            description = "Keys, preferences and the last netmap (0700). Default: ${DEFAULT-VALUE}.")
    Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = LocalApiPaths.DEFAULT_SOCKET,
            description = "LocalAPI socket. Default: ${DEFAULT-VALUE}.")
    Path socket;

    @Option(names = "--socket-group", paramLabel = "GROUP",
            description = "Members of GROUP may use the LocalAPI too (default: root only).")
    String socketGroup;

    @Option(names = "--tun", paramLabel = "NAME", defaultValue = "trellis0", description = "TUN interface. Default: ${DEFAULT-VALUE}.")
    String tun;

    @Option(names = "--port", paramLabel = "UDP_PORT", defaultValue = "41641",
            description = "WireGuard UDP port; 0 picks one. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--no-port-mapping",
            description = "Do not ask the default gateway (PCP or NAT-PMP) to forward a public UDP port to the WireGuard"
                    + " port. By default a mapping the gateway grants is announced to peers as an endpoint.")
    boolean noPortMapping;

    @Option(names = "--resolv-conf", paramLabel = "FILE", defaultValue = "/etc/resolv.conf",
            description = "The resolver configuration `trellis up --accept-dns` points at MagicDNS (when systemd-resolved"
                    + " does not manage DNS), restored on `trellis down`. Default: ${DEFAULT-VALUE}.")
    Path resolvConf;

    @Option(names = "--verbose", description = "Log debug messages.")
    boolean verbose;

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Trellisd());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("trellisd: " + e.getMessage());
            if (System.getenv("TRELLIS_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Logging.configure(verbose ? "debug" : System.getenv("LOG_LEVEL"), java.util.logging.Level.INFO);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535");
        }
        Optional<String> cause = Tun.unavailabilityCause();
        if (cause.isPresent()) {
            throw new IOException("cannot create TUN devices here: " + cause.get());
        }
        StateStore store = new StateStore(StateDir.open(stateDir));
        TunDevice tunDevice = Tun.open(tun);
        String name = tunDevice.name();
        InterfaceConfigurator os = Tun.configurator();
        os.setMtu(name, MTU);
        os.setUp(name, true);
        // Packets from peers pass the coordinator's packet filter before the OS sees them; until
        // the first map says otherwise nothing is accepted (replies to our own flows aside).
        FlowTable flows = new FlowTable();
        FilterCounters filterCounters = new FilterCounters();
        FilteringTun filtered = new FilteringTun(tunDevice, PacketFilter.denyAll(flows, filterCounters));
        // One UDP socket carries WireGuard, disco and STUN; peers are reached through it directly
        // once disco proves a path, and through relays until then.
        RelayConnections relays = RelayConnections.withDefaults();
        PathBind paths = new PathBind(Binds.best(), relays, DiscoPrivateKey.generate(), PathTiming.DEFAULT,
                System::nanoTime, true);
        StunWaiters stunWaiters = new StunWaiters();
        paths.setStunHandler(stunWaiters::offer);
        StunPort stunPort = server -> {
            TransactionId tx = TransactionId.random();
            CompletableFuture<InetSocketAddress> answer = stunWaiters.expect(tx, server);
            paths.send(ByteBuffer.wrap(StunMessage.bindingRequest(tx, false)), server);
            return answer;
        };
        Device device = new Device(name, filtered, paths, Clock.systemUTC(), WgConstants.fromEnvironment());
        device.start();
        try {
            device.apply(new DeviceUpdate(Optional.empty(), OptionalInt.of(port), OptionalInt.empty(), false, List.of()));
        } catch (ConfigException e) {
            device.close();
            throw new IOException("cannot listen on UDP port " + port + ": " + e.getMessage()
                    + " (is another trellisd running? choose another with --port)", e);
        }
        // MagicDNS answers inside the node at 100.100.100.100 and fd7a:115c:a1e0::53, port 53: the
        // TUN hands it what the OS sends there. Replies fit the TUN's MTU.
        MagicDns magicDns = new MagicDns(MTU - 48);
        filtered.addUdpService(new InetSocketAddress(MagicDns.SERVICE_IPV4, 53), magicDns::receive);
        filtered.addUdpService(new InetSocketAddress(MagicDns.SERVICE_IPV6, 53), magicDns::receive);
        OsDnsConfigurators.Detected osDns = OsDnsConfigurators.detect(resolvConf, stateDir, name);
        Logging.info("DNS: " + osDns.reason());
        WgEngine engine = new WgEngine(device, filtered, flows, filterCounters, new Router(os, name), name,
                Clock.systemUTC(), magicDns, osDns.configurator(), paths, relays,
                new Netcheck(stunPort, Clock.systemUTC(), Netcheck.Options.DEFAULT), !noPortMapping);
        LocalBackend backend = new LocalBackend(store, engine, (url, state, listener) -> {
            ControlClient client = new ControlClient(url, state.machineKey(), state.serverKey(), new HttpDialer(),
                    listener, () -> new Hostinfo(state.hostname() != null ? state.hostname() : osHostname(), "linux",
                            System.getProperty("os.version"), version(), engine.netInfo()),
                    timing());
            client.setDiscoKey(engine.discoKey());
            return client;
        }, Clock.systemUTC(), version());
        UapiServer uapi = startUapi(name, device);
        LocalApiServer api;
        try {
            api = LocalApiServer.start(backend, socket, socketGroup);
        } catch (IOException e) {
            closeUapi(uapi);
            device.close();
            throw e;
        }
        backend.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            backend.close();
            closeUapi(uapi);
            engine.close();
        }, "trellisd-shutdown"));
        Logging.info("trellisd " + version() + ": " + name + " up, WireGuard on UDP " + device.listenPort()
                + ", LocalAPI on " + socket);
        Optional<Throwable> failure = device.awaitClosed();
        failure.ifPresent(f -> Logging.info("data plane stopped: " + f.getMessage()));
        return failure.isPresent() ? 1 : 0;
    }

    /**
     * The wireguard-go UAPI socket, so that `wg show` works on trellisd's interface too. Only a
     * convenience: if another process has the name's socket (interfaces in other network
     * namespaces share /var/run/wireguard), trellisd runs without it.
     */
    private static UapiServer startUapi(String name, Device device) {
        try {
            return UapiServer.start(name, device);
        } catch (IOException e) {
            Logging.info("no `wg` access to " + name + ": " + e.getMessage());
            return null;
        }
    }

    private static void closeUapi(UapiServer uapi) {
        if (uapi != null) {
            try {
                uapi.close();
            } catch (IOException ignored) {
                // the socket file is removed on a best-effort basis
            }
        }
    }

    /** Shorter reconnect backoff for tests: TRELLIS_CONTROL_MAX_BACKOFF=2s. */
    static ControlClient.Timing timing() {
        String max = System.getenv("TRELLIS_CONTROL_MAX_BACKOFF");
        if (max == null || !max.matches("[0-9]{1,4}s")) {
            return ControlClient.Timing.DEFAULT;
        }
        ControlClient.Timing d = ControlClient.Timing.DEFAULT;
        Duration cap = Duration.ofSeconds(Long.parseLong(max.substring(0, max.length() - 1)));
        return new ControlClient.Timing(d.minBackoff().compareTo(cap) < 0 ? d.minBackoff() : cap, cap, d.silenceTimeout());
    }

    static String osHostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return h.isEmpty() ? "node" : h;
        } catch (IOException e) {
            return "node";
        }
    }

    static String version() {
        String v = Trellisd.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    /** picocli's --version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"trellisd " + version()};
        }
    }
}
