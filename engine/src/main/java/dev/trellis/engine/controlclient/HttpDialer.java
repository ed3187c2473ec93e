package dev.trellis.engine.controlclient;

import dev.trellis.protocol.control.CapabilityVersion;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.ControlHttp;
import dev.trellis.protocol.control.ServerKey;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.noise.NoiseClient;
import dev.trellis.protocol.noise.NoiseConnection;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * Reaches the coordinator over HTTP(S): {@code GET /key}, then the {@code /trellis-control}
 * upgrade carrying the Noise initiation in a header (docs/control-protocol.md).
 */
public final class HttpDialer implements Dialer {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Override
    public ServerKey fetchKey(URI controlUrl) throws IOException {
        try (Http1Client http = client(controlUrl)) {
            HttpResult r = http.send("GET", path(controlUrl, ControlHttp.KEY_PATH) + "?v=" + CapabilityVersion.CURRENT,
                    Map.of(), null);
            if (r.status() != 200) {
                throw new IOException("GET " + ControlHttp.KEY_PATH + " at " + controlUrl + " answered " + r.status()
                        + ": is this a Trellis coordinator?");
            }
            ServerKey key = ControlCodec.mapper().readValue(r.body(), ServerKey.class);
            if (key == null || key.publicKey() == null) {
                throw new IOException(controlUrl + " sent no coordinator key");
            }
            return key;
        }
    }

    @Override
    public NoiseConnection connect(URI controlUrl, MachinePrivateKey machineKey, MachinePublicKey serverKey)
            throws IOException {
        NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey, CapabilityVersion.CURRENT);
        Http1Client http = client(controlUrl);
        UpgradedConnection up;
        try {
            up = http.upgrade(path(controlUrl, ControlHttp.UPGRADE_PATH), ControlHttp.UPGRADE_PROTOCOL,
                    Map.of(ControlHttp.HANDSHAKE_HEADER, Base64.getEncoder().encodeToString(pending.initiation())));
        } catch (IOException e) {
            http.close();
            throw e;
        }
        try {
            return pending.finish(up.in(), up.out());
        } catch (IOException | RuntimeException e) {
            up.close();
            throw e;
        }
    }

    private static Http1Client client(URI url) {
        return Http1Client.tcp(url, null, CONNECT_TIMEOUT);
    }

    /** The coordinator may live under a path prefix (behind a proxy). */
    private static String path(URI base, String path) {
        String p = base.getRawPath();
        if (p == null || p.isEmpty() || p.equals("/")) {
            return path;
        }
        return (p.endsWith("/") ? p.substring(0, p.length() - 1) : p) + path;
    }
}
