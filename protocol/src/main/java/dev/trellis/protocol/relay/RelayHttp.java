package dev.trellis.protocol.relay;

/**
 * How a relay connection rides on HTTP(S): the client asks for {@code /relay} with
 * {@code Connection: Upgrade} and {@code Upgrade: trellis-relay} (the relay accepts GET and POST;
 * Trellis's own client sends POST), the relay answers {@code 101 Switching Protocols} and from then
 * on the stream carries {@link RelayFrame}s: ServerHello, ClientHello, ServerInfo, then packets.
 */
public final class RelayHttp {
    public static final String PATH = "/relay";
    public static final String UPGRADE_PROTOCOL = "trellis-relay";
    /** Protocol version sent in ServerHello and sealed into the client's proof. */
    public static final int VERSION = 1;

    private RelayHttp() {}
}
