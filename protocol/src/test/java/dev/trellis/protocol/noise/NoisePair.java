package dev.trellis.protocol.noise;

import dev.trellis.protocol.key.MachinePrivateKey;
import java.io.IOException;

/**
 * A client and a server connection that completed the handshake over two {@link MemoryPipe}s, with
 * the keys that made them. {@link #close()} closes both ends.
 */
record NoisePair(MachinePrivateKey machineKey, MachinePrivateKey serverKey, NoiseConnection client,
        NoiseConnection server) implements AutoCloseable {

    static final int VERSION = 1;

    static NoisePair connect() throws IOException {
        return connect(NoiseOptions.defaults(), NoiseOptions.defaults());
    }

    /** Runs the whole handshake on the calling thread: the pipes hold the 101 and 51 bytes. */
    static NoisePair connect(NoiseOptions clientOptions, NoiseOptions serverOptions) throws IOException {
        MachinePrivateKey machineKey = MachinePrivateKey.generate();
        MachinePrivateKey serverKey = MachinePrivateKey.generate();
        MemoryPipe toServer = new MemoryPipe();
        MemoryPipe toClient = new MemoryPipe();
        NoiseClient.Pending pending = NoiseClient.start(machineKey, serverKey.publicKey(), VERSION);
        NoiseServer.Accepted accepted = NoiseServer.accept(serverKey, pending.initiation(), v -> v == VERSION);
        NoiseConnection server = accepted.respond(toServer.in, toClient.out, serverOptions);
        NoiseConnection client = pending.finish(toClient.in, toServer.out, clientOptions);
        return new NoisePair(machineKey, serverKey, client, server);
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
