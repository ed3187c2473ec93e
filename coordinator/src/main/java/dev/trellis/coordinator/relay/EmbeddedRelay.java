package dev.trellis.coordinator.relay;

import dev.trellis.protocol.control.RelayMap;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.stun.StunServer;
import dev.trellis.relay.RelayConfig;
import dev.trellis.relay.RelayKeyFile;
import dev.trellis.relay.RelayService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A relay inside the coordinator: the relay protocol at {@code /relay} on the coordinator's own
 * HTTP(S) port (the same {@link RelayService} that {@code trellis-relay} runs, so nodes'
 * {@code RelayClient} cannot tell the difference), a STUN server on UDP, and a relay map region
 * ({@value #REGION_ID}, "{@value #REGION_CODE}") that sends nodes to the server URL's host.
 *
 * <p>Its key lives in {@code <data-dir>/}{@value #KEY_FILE} (0600), so it stays the same across
 * restarts. It is one relay, not meshed: with several coordinators behind one URL, nodes attached
 * to different coordinators would not reach each other through it; such installs run
 * {@code trellis-relay}s instead.
 */
public final class EmbeddedRelay implements AutoCloseable {
    public static final int REGION_ID = 900;
    public static final String REGION_CODE = "embedded";
    public static final String KEY_FILE = "relay.key";
    public static final int DEFAULT_STUN_PORT = 3478;
    /** Its clients' queues together: a quarter of the standalone relay's, since it shares the coordinator's heap. */
    public static final long QUEUE_BUDGET = 64L << 20;

    private final RelayService service;
    private volatile StunServer stun;

    private EmbeddedRelay(RelayService service) {
        this.service = service;
    }

    /** Loads (or creates) the key in {@code dataDir} and starts the relay, not yet reachable. */
    public static EmbeddedRelay open(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        NodePrivateKey key = RelayKeyFile.loadOrCreate(dataDir.resolve(KEY_FILE));
        return new EmbeddedRelay(RelayService.start(key,
                RelayConfig.defaults().withRegion(REGION_CODE).withQueueBudget(QUEUE_BUDGET)));
    }

    /** Serves the relay protocol at {@code /relay} on the server that {@code router} belongs to. */
    public void mount(Router router) {
        service.mount(router);
    }

    /**
     * Starts answering STUN on {@code listen} (port 0 picks one).
     *
     * @throws IOException naming the address and the option to change it if it cannot be bound
     */
    public void startStun(InetSocketAddress listen) throws IOException {
        StunServer s = new StunServer(listen);
        try {
            s.start();
        } catch (IOException e) {
            throw new IOException("cannot listen for STUN on UDP " + listen + ": " + e.getMessage()
                    + " (choose another address with --embedded-relay-stun HOST:PORT)", e);
        }
        stun = s;
    }

    /** Where STUN answers, once started. */
    public InetSocketAddress stunAddress() {
        StunServer s = stun;
        if (s == null) {
            throw new IllegalStateException("STUN not started");
        }
        return s.address();
    }

    public RelayService service() {
        return service;
    }

    /**
     * The region for this relay, as nodes reach it: the host and port of {@code serverUrl} (what
     * nodes already reach the coordinator at; the listen address may be 0.0.0.0 or behind a
     * proxy), TLS exactly when the server URL is https, STUN on the same host at the port STUN
     * is bound to.
     *
     * @throws IllegalArgumentException if the URL has a path (the relay answers at {@code /relay}
     *     on the host itself)
     */
    public RelayMap.Region region(URI serverUrl) {
        String path = serverUrl.getRawPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException("--embedded-relay answers at /relay on the server URL's host, so the"
                    + " server URL must not have a path: " + serverUrl);
        }
        String host = serverUrl.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("--embedded-relay needs a host in the server URL: " + serverUrl);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean https = "https".equalsIgnoreCase(serverUrl.getScheme());
        int port = serverUrl.getPort() >= 0 ? serverUrl.getPort() : https ? 443 : 80;
        byte[] literal = IpLiterals.parseAddress(host);
        String ipv4 = literal != null && literal.length == 4 ? host : null;
        String ipv6 = literal != null && literal.length == 16 ? host : null;
        StunServer s = stun;
        int stunPort = s == null ? 0 : s.address().getPort();
        // Plain HTTP coordinators (labs, or TLS terminated elsewhere but advertised as http) get
        // a plain HTTP relay: the packets it carries are WireGuard-encrypted either way.
        RelayMap.Relay relay = new RelayMap.Relay(REGION_CODE, host, ipv4, ipv6, port, stunPort, !https);
        return new RelayMap.Region(REGION_ID, REGION_CODE, "Coordinator", List.of(relay));
    }

    /**
     * {@code map} with {@code region} added after its own regions.
     *
     * @throws IllegalArgumentException if the map already has the region's ID or a relay of its name
     */
    public static RelayMap addTo(RelayMap map, RelayMap.Region region) {
        checkNoClash(map);
        List<RelayMap.Region> regions = new ArrayList<>(map.regions());
        regions.add(region);
        return new RelayMap(regions).validate();
    }

    /** Refuses a configured map that already uses the embedded region's ID or relay name. */
    public static void checkNoClash(RelayMap map) {
        if (map.region(REGION_ID).isPresent()) {
            throw new IllegalArgumentException("the relay map has region " + REGION_ID + ", which --embedded-relay uses"
                    + " for the coordinator's own relay: give that region another ID");
        }
        for (RelayMap.Region r : map.regions()) {
            for (RelayMap.Relay relay : r.relays()) {
                if (relay != null && REGION_CODE.equals(relay.name())) {
                    throw new IllegalArgumentException("the relay map has a relay named \"" + REGION_CODE + "\" (region "
                            + r.id() + "), the name --embedded-relay uses for the coordinator's own relay: rename it");
                }
            }
        }
    }

    /** The relay's metrics in Prometheus text, for the coordinator's {@code /metrics}. */
    public String prometheus() {
        return service.prometheus();
    }

    /** Tells attached nodes the relay is restarting, closes them, and stops STUN. */
    @Override
    public void close() {
        service.close();
        StunServer s = stun;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing a datagram channel: nothing left to do
            }
        }
    }
}
