package dev.trellis.engine.uapi;

import dev.trellis.protocol.net.Decimal;
import dev.trellis.protocol.net.IpLiterals;

import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads the body of one {@code set=1} request a line at a time, so that the server never holds
 * the request text, only the {@link DeviceUpdate} being built. The first error ends the parse;
 * the caller then applies nothing.
 *
 * <p>wireguard-go applies each line as it reads it; where that order matters, the result here is
 * arranged so that applying the update as a whole has the same effect (see
 * {@code replace_allowed_ips} and {@code update_only} below).
 */
final class SetParser {
    static final int MAX_LINE_LENGTH = 4096;
    static final int MAX_LINES = 100_000;

    private NodePrivateKey privateKey;
    private int listenPort = -1;
    private long fwmark = -1;
    private boolean replacePeers;
    private final List<PeerUpdate> peers = new ArrayList<>();
    /** Peers that the sections read so far create (or keep), as opposed to peers from before. */
    private final Set<NodePublicKey> createdHere = new HashSet<>();
    private PeerSection peer;
    private int lineNumber;

    void accept(String line) throws UapiParseException {
        lineNumber++;
        if (lineNumber > MAX_LINES) {
            throw UapiParseException.invalid("more than " + MAX_LINES + " lines in one set request");
        }
        if (line.length() > MAX_LINE_LENGTH) {
            throw UapiParseException.invalid(at() + "longer than " + MAX_LINE_LENGTH + " bytes");
        }
        int eq = line.indexOf('=');
        if (eq < 0) {
            // wireguard-go answers EPROTO here too; the line is not echoed, it may be a key.
            throw UapiParseException.protocol(at() + (line.isEmpty() ? "blank line inside the request" : "no '='"));
        }
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1);
        if (key.equals("public_key")) {
            endPeer();
            peer = new PeerSection(hexKey(key, value));
        } else if (peer == null) {
            deviceLine(key, value);
        } else {
            peerLine(key, value);
        }
    }

    DeviceUpdate finish() {
        endPeer();
        return new DeviceUpdate(
                Optional.ofNullable(privateKey),
                listenPort < 0 ? OptionalInt.empty() : OptionalInt.of(listenPort),
                fwmark < 0 ? OptionalInt.empty() : OptionalInt.of((int) fwmark),
                replacePeers,
                peers);
    }

    private void deviceLine(String key, String value) throws UapiParseException {
        switch (key) {
            case "private_key" -> {
                byte[] raw = hexKey(key, value).toBytes();
                privateKey = NodePrivateKey.fromBytes(isZero(raw) ? raw : clamp(raw));
            }
            case "listen_port" -> listenPort = (int) number(key, value, 0xffff);
            case "fwmark" -> fwmark = number(key, value, 0xffff_ffffL);
            case "replace_peers" -> replacePeers = isTrue(key, value);
            default -> throw unknownKey("device", key);
        }
    }

    private void peerLine(String key, String value) throws UapiParseException {
        PeerSection p = peer;
        switch (key) {
            case "remove" -> p.remove = isTrue(key, value);
            case "update_only" -> p.updateOnly = isTrue(key, value);
            case "preshared_key" -> p.presharedKey = PresharedKey.fromBytes(hexKey(key, value).toBytes());
            case "endpoint" -> {
                p.endpoint = IpLiterals.parseEndpoint(value);
                if (p.endpoint == null) {
                    throw UapiParseException.invalid(at() + "endpoint must be a.b.c.d:port or [IPv6]:port, got "
                            + printable(value));
                }
            }
            case "persistent_keepalive_interval" -> p.keepalive = (int) number(key, value, 0xffff);
            case "replace_allowed_ips" -> {
                // wireguard-go drops the peer's allowed IPs when it reads this line, including
                // those added earlier in the same section.
                p.replaceAllowedIps = isTrue(key, value);
                p.allowedIps.clear();
            }
            case "allowed_ip" -> p.allowedIps.add(prefix(value));
            case "protocol_version" -> {
                if (!value.equals("1")) {
                    throw UapiParseException.invalid(at() + "protocol_version must be 1, got " + printable(value));
                }
            }
            default -> throw unknownKey("peer", key);
        }
    }

    private void endPeer() {
        PeerSection p = peer;
        if (p == null) {
            return;
        }
        peer = null;
        if (p.remove) {
            createdHere.remove(p.publicKey);
            peers.add(new PeerUpdate(p.publicKey, true, p.updateOnly, Optional.empty(), Optional.empty(),
                    OptionalInt.empty(), false, List.of()));
            return;
        }
        // After replace_peers wireguard-go has removed every peer, so a peer's first section
        // creates it anew: an update_only section finds nothing, and whatever a section leaves
        // out is at its default. Spelling the defaults out keeps that meaning for a device that
        // keeps named peers. (The endpoint can't be spelt out as absent; the device keeps it.)
        boolean fresh = replacePeers && !createdHere.contains(p.publicKey);
        if (p.updateOnly && fresh) {
            return;
        }
        if (!p.updateOnly) {
            createdHere.add(p.publicKey);
        }
        PresharedKey psk = p.presharedKey != null ? p.presharedKey : fresh ? PresharedKey.NONE : null;
        int keepalive = p.keepalive >= 0 ? p.keepalive : fresh ? 0 : -1;
        peers.add(new PeerUpdate(p.publicKey, false, p.updateOnly, Optional.ofNullable(psk),
                Optional.ofNullable(p.endpoint), keepalive < 0 ? OptionalInt.empty() : OptionalInt.of(keepalive),
                p.replaceAllowedIps || fresh, p.allowedIps));
    }

    private NodePublicKey hexKey(String key, String value) throws UapiParseException {
        if (value.length() != 64 || !value.chars().allMatch(SetParser::isHexDigit)) {
            throw UapiParseException.invalid(at() + key + " must be 64 hex digits");
        }
        return NodePublicKey.fromHex(value);
    }

    private long number(String key, String value, long max) throws UapiParseException {
        long n = Decimal.parseUnsigned(value, max);
        if (n < 0) {
            throw UapiParseException.invalid(at() + key + " must be a decimal number from 0 to " + max + ", got "
                    + printable(value));
        }
        return n;
    }

    private boolean isTrue(String key, String value) throws UapiParseException {
        if (!value.equals("true")) {
            throw UapiParseException.invalid(at() + key + " can only be true, got " + printable(value));
        }
        return true;
    }

    /** As Go's {@code netip.ParsePrefix}: {@code addr/bits} always with the length, no zone. */
    private IpPrefix prefix(String value) throws UapiParseException {
        int slash = value.indexOf('/');
        byte[] raw = slash < 0 ? null : IpLiterals.parseAddress(value.substring(0, slash));
        String bitsText = slash < 0 ? "" : value.substring(slash + 1);
        long bits = Decimal.parseUnsigned(bitsText, raw == null ? 0 : raw.length * 8L);
        if (raw == null || bits < 0 || (bitsText.length() > 1 && bitsText.charAt(0) == '0')) {
            throw UapiParseException.invalid(at() + "allowed_ip must be ADDRESS/LENGTH, got " + printable(value));
        }
        return new IpPrefix(raw, (int) bits);
    }

    private UapiParseException unknownKey(String section, String key) {
        return UapiParseException.invalid(at() + "unknown " + section + " key " + printable(key));
    }

    private String at() {
        return "line " + lineNumber + ": ";
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isZero(byte[] raw) {
        int acc = 0;
        for (byte b : raw) {
            acc |= b;
        }
        return acc == 0;
    }

    /** Curve25519 clamping, as wireguard-go applies to every non-zero private key it is given. */
    private static byte[] clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
        return k;
    }

    /** A bounded, escaped copy of client text for error messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 48; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append(c);
            } else if (c <= 0xff) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.append(s.length() > 48 ? "\"…" : "\"").toString();
    }

    /** The lines of one peer section; -1 and null mean "not given". */
    private static final class PeerSection {
        final NodePublicKey publicKey;
        boolean remove;
        boolean updateOnly;
        PresharedKey presharedKey;
        InetSocketAddress endpoint;
        int keepalive = -1;
        boolean replaceAllowedIps;
        final List<IpPrefix> allowedIps = new ArrayList<>();

        PeerSection(NodePublicKey publicKey) {
            this.publicKey = publicKey;
        }
    }
}
