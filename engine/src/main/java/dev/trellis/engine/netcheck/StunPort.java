package dev.trellis.engine.netcheck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Sends STUN Binding Requests from the node's UDP socket, the one WireGuard uses, so that the
 * reflexive address learned is the one peers see. A socket owner implements it with
 * {@link StunWaiters}; {@link DatagramStunPort} is a standalone one.
 *
 * <p>Contract: each call sends one request with a fresh random transaction id. The future
 * completes with the mapped address when the matching Binding Success arrives, or exceptionally
 * when the port knows no answer will come (error response, port closed, too many pending); if
 * nothing arrives it is never completed: the caller times out and cancels it, and cancelling (or
 * completing it in any other way) frees everything the port kept for it. Safe for concurrent use.
 */
public interface StunPort {

    /**
     * Sends one Binding Request to {@code server}.
     *
     * @throws IOException if the request could not be sent (nothing is then kept for it)
     * @throws IllegalArgumentException if {@code server} is unresolved
     */
    CompletableFuture<InetSocketAddress> bindingRequest(InetSocketAddress server) throws IOException;
}
