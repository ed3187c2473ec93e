package dev.trellis.protocol.relay;

/** Why a relay says a destination is not (or no longer) reachable through it. */
public enum PeerGoneReason {
    /** The peer was connected and has gone. */
    DISCONNECTED(0),
    /** The relay has never seen the peer (or not recently): the sender should try another way. */
    NEVER_HERE(1);

    final int code;

    PeerGoneReason(int code) {
        this.code = code;
    }

    /** The reason for a wire code; unknown codes (from a newer relay) read as {@link #DISCONNECTED}. */
    static PeerGoneReason of(int code) {
        return code == NEVER_HERE.code ? NEVER_HERE : DISCONNECTED;
    }
}
