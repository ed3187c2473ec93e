package dev.trellis.protocol.control;

/**
 * How the control connection rides on the coordinator's HTTP(S) port, so that it works behind
 * a TLS-terminating proxy that can neither read nor forge it.
 *
 * <ol>
 *   <li>{@code GET /key?v=VERSION} answers {@link ServerKey} as JSON: the coordinator's public
 *       machine key, which the node pins in its state on first use.
 *   <li>{@code POST /trellis-control} with {@code Connection: Upgrade}, {@code Upgrade:
 *       trellis-control} and the Noise IK initiation in base64 in {@code Trellis-Handshake}.
 *       The coordinator answers {@code 101 Switching Protocols}; from then on the raw stream
 *       carries the Noise response and encrypted records, each record holding part of a stream
 *       of length-prefixed JSON {@link ControlMessage}s.
 * </ol>
 */
public final class ControlHttp {
    public static final String KEY_PATH = "/key";
    public static final String UPGRADE_PATH = "/trellis-control";
    public static final String UPGRADE_PROTOCOL = "trellis-control";
    public static final String HANDSHAKE_HEADER = "Trellis-Handshake";

    private ControlHttp() {}
}
