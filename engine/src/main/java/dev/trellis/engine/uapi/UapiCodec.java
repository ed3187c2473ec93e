package dev.trellis.engine.uapi;

import dev.trellis.protocol.net.Decimal;
import dev.trellis.protocol.net.IpLiterals;

import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerStatus;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Text of WireGuard's cross-platform userspace API (https://www.wireguard.com/xplatform/), as
 * wireguard-go speaks it. Pure: no I/O beyond the {@link Appendable} it is given.
 *
 * <p>Difference from wireguard-go, on purpose: wireguard-go applies each {@code set} line as it
 * reads it, so a bad line leaves the lines before it applied. Here a request is parsed whole
 * into one {@link DeviceUpdate} first; a parse error applies nothing.
 */
public final class UapiCodec {
    private static final HexFormat HEX = HexFormat.of();

    private UapiCodec() {}

    /**
     * Parses the body of a {@code set=1} request: the lines after {@code set=1} and before the
     * blank line that ends it, without their {@code \n}.
     *
     * @throws UapiParseException with {@code EINVAL} for an unknown key, a bad value, a key in the
     *     wrong section, a line over 4096 characters or more than 100,000 lines; with
     *     {@code EPROTO} for a line without {@code =} (as wireguard-go)
     */
    public static DeviceUpdate parseSet(List<String> lines) throws UapiParseException {
        if (lines.size() > SetParser.MAX_LINES) {
            throw UapiParseException.invalid("more than " + SetParser.MAX_LINES + " lines in one set request");
        }
        SetParser parser = new SetParser();
        for (String line : lines) {
            parser.accept(line);
        }
        return parser.finish();
    }

    /**
     * Writes the body of a {@code get=1} reply in wireguard-go's order, without the closing
     * {@code errno=0} line: {@code private_key} (if set), {@code listen_port} (if non-zero),
     * {@code fwmark} (if non-zero), then for each peer {@code public_key}, {@code preshared_key}
     * (zeros when none), {@code protocol_version=1}, {@code endpoint} (if known), handshake time,
     * byte counters, {@code persistent_keepalive_interval} and one {@code allowed_ip} per prefix.
     */
    public static void writeGet(DeviceStatus status, Appendable out) throws IOException {
        NodePrivateKey key = status.privateKey().orElse(null);
        if (key != null && !key.isZero()) {
            line(out, "private_key", key.toHex());
        }
        if (status.listenPort() != 0) {
            line(out, "listen_port", Integer.toString(status.listenPort()));
        }
        if (status.fwmark() != 0) {
            line(out, "fwmark", Integer.toUnsignedString(status.fwmark()));
        }
        for (PeerStatus peer : status.peers()) {
            writePeer(peer, out);
        }
    }

    private static void writePeer(PeerStatus peer, Appendable out) throws IOException {
        line(out, "public_key", peer.publicKey().toHex());
        line(out, "preshared_key", HEX.formatHex(peer.presharedKey().toBytes()));
        line(out, "protocol_version", "1");
        if (peer.endpoint().isPresent()) {
            out.append("endpoint=");
            IpLiterals.appendEndpoint(peer.endpoint().get(), out);
            out.append('\n');
        }
        Instant handshake = peer.lastHandshake().orElse(Instant.EPOCH);
        line(out, "last_handshake_time_sec", Long.toString(handshake.getEpochSecond()));
        line(out, "last_handshake_time_nsec", Integer.toString(handshake.getNano()));
        line(out, "tx_bytes", Long.toUnsignedString(peer.txBytes()));
        line(out, "rx_bytes", Long.toUnsignedString(peer.rxBytes()));
        line(out, "persistent_keepalive_interval", Integer.toString(peer.persistentKeepalive()));
        for (IpPrefix prefix : peer.allowedIps()) {
            out.append("allowed_ip=");
            IpLiterals.appendAddress(prefix.address(), out);
            out.append('/').append(Integer.toString(prefix.bits())).append('\n');
        }
    }

    /**
     * The line that ends every reply. UAPI carries errno negated, as wireguard-go writes it and
     * as {@code wg} reads it ({@code errno=-22}); a positive value makes {@code wg} print
     * "Unknown error -22".
     */
    static void writeErrno(int errno, Appendable out) throws IOException {
        out.append("errno=").append(Integer.toString(-Math.abs(errno))).append("\n\n");
    }

    private static void line(Appendable out, String key, String value) throws IOException {
        out.append(key).append('=').append(value).append('\n');
    }
}
