package dev.trellis.engine.controlclient;

import dev.trellis.protocol.control.ServerKey;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.noise.NoiseConnection;
import java.io.IOException;
import java.net.URI;

/**
 * How the control client reaches a coordinator: the seam between the protocol logic and the
 * network (HTTP upgrade in production, in-memory pipes in tests).
 */
public interface Dialer {
    /** {@code GET /key}: the coordinator's public key and the versions it serves. */
    ServerKey fetchKey(URI controlUrl) throws IOException;

    /** Opens the Noise-encrypted control connection authenticated as {@code machineKey}. */
    NoiseConnection connect(URI controlUrl, MachinePrivateKey machineKey, MachinePublicKey serverKey)
            throws IOException;
}
